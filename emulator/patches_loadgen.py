"""The load generator's one-off tasks really run in the emulator, in the style of the patch_* functions in server.py.

Wired into server.py's PATCHES list after patch_ecs_run_task, whose RunTask it wraps:

    from patches_loadgen import patch_ecs_task_runner
    PATCHES = [..., patch_ecs_task_runner]

`./help benchmark <stack> --local` starts the load generator (constructs/loadgen) as ECS does in AWS: it registers a
revision of the family <stack>-loadgen with the image it pushed and calls RunTask with the task's command as an
override. The emulator runs no containers, so the verb first tells it which binary stands for the family's image
(the tester it pulled back from its registry):

    POST /_emulator/ecs/task-runner {"family": "litellm-benchmark-loadgen", "binary": "/path/to/loadtest", "env": {...}}
    POST /_emulator/ecs/task-runner {"family": "litellm-benchmark-loadgen"}     (no binary: forget the runner)
    GET  /_emulator/ecs/task-runner                                               (the runners, by family)
"""

import atexit
import datetime
import json
import os
import signal
import subprocess
import tempfile
import threading
import time

CONTROL_PATH = "/_emulator/ecs/task-runner"

# family -> {"binary": path, "env": {name: value}}
RUNNERS = {}
# task id -> the running process's record (see start_process)
RUNNING = {}
_lock = threading.Lock()

# What patch_ecs_run_task gives a task when no test asked for another outcome: only such a task is run. A test that
# set an outcome for the family (POST /_emulator/ecs/task-outcome) gets that outcome, as before.
DEFAULT_EXIT_CODE = 0
DEFAULT_STOPPED_REASON = "Essential container in task exited"
# What ECS tells a task whose essential container exited, or that it was asked to stop.
EXITED = ("EssentialContainerExited", "Essential container in task exited")
# Longest a process may run: a safety net under the tester's own -duration and the verb's deadline.
MAX_RUN_SECONDS = 4 * 3600


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def patch_ecs_task_runner():
    """A one-off task (RunTask) of a family with a runner is RUNNING while a local process runs, then STOPPED with
    the process's exit code.

    ECS runs the task definition's container with its entrypoint, the command (RunTask's containerOverrides
    command, else the task definition's), the environment (the task definition's, then the override's), the
    secrets resolved from Secrets Manager, and AWS_REGION; it sends the container's output to CloudWatch Logs
    (awslogs: stream <prefix>/<container>/<task id>); StopTask sends SIGTERM, then SIGKILL after the container's
    stopTimeout. The emulator does the same with the runner's binary for the image's entrypoint, in a fresh
    temporary directory for the image's working directory /tmp: the secrets come from the emulator's Secrets Manager,
    the output goes to its CloudWatch Logs, and the task role's credentials are the emulator's own (fake ones and
    AWS_ENDPOINT_URL pointing at it), then the runner's env on top. A secret that cannot be read, or a binary that is
    not there, stops the task before it ran (no exit code), as ECS reports ResourceInitializationError and
    CannotPullContainerError.

    moto 5.2 advances a task one state towards STOPPED on every DescribeTasks; a task that runs here stays RUNNING
    until its process ends.
    """
    from moto.ecs import models
    from moto.moto_server import werkzeug_app

    backend_cls = models.EC2ContainerServiceBackend
    original_run_task = backend_cls.run_task  # patch_ecs_run_task's, which stops every task at once
    original_stop_task = backend_cls.stop_task
    original_call = werkzeug_app.DomainDispatcherApplication.__call__

    def run_task(self, *args, **kwargs):
        tasks = original_run_task(self, *args, **kwargs)
        for task in tasks:
            family = task.task_definition_arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]
            with _lock:
                runner = RUNNERS.get(family)
            container = task.containers[0]
            if runner is None or container.exitCode != DEFAULT_EXIT_CODE or task.stopped_reason != DEFAULT_STOPPED_REASON:
                continue
            start_process(self, task, family, runner)
        return tasks

    def stop_task(self, cluster_str, task_str, reason):
        task = original_stop_task(self, cluster_str, task_str, reason)
        with _lock:
            record = RUNNING.get(task.id)
        if record is not None and record["process"].poll() is None:
            # Still running: ECS keeps reporting RUNNING (desired STOPPED) until the container has exited.
            record["stop_requested"] = True
            task.last_status = "RUNNING"
            task.desired_status = "STOPPED"
            task.stopped_reason = reason or "Task stopped by user"
            record["process"].send_signal(signal.SIGTERM)
            timer = threading.Timer(record["stop_timeout"], _kill, args=(record["process"],))
            timer.daemon = True
            timer.start()
        return task

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == CONTROL_PATH:
            return control(environ, start_response)
        return original_call(self, environ, start_response)

    backend_cls.run_task = run_task
    backend_cls.stop_task = stop_task
    werkzeug_app.DomainDispatcherApplication.__call__ = __call__
    atexit.register(_terminate_all)


def control(environ, start_response):
    """POST /_emulator/ecs/task-runner: set ({"family", "binary", "env"}) or forget ({"family"}) a family's runner."""
    if environ.get("REQUEST_METHOD") == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            family = body["family"]
            env = body.get("env") or {}
            if not isinstance(family, str) or not family or not isinstance(env, dict):
                raise ValueError("family must be a name and env an object")
        except (ValueError, KeyError) as e:
            start_response("400 Bad Request", [("Content-Type", "application/json")])
            return [json.dumps({"error": f"want {{'family': ..., 'binary': ..., 'env': {{...}}}}: {e}"}).encode()]
        with _lock:
            if body.get("binary"):
                RUNNERS[family] = {"binary": body["binary"], "env": {str(k): str(v) for k, v in env.items()}}
            else:
                RUNNERS.pop(family, None)
    with _lock:
        answer = json.dumps(RUNNERS)
    start_response("200 OK", [("Content-Type", "application/json")])
    return [answer.encode()]


def _stop(task, exit_code, reason, stop_code):
    task._transitions = [("STOPPED", "STOPPED")]
    task.last_status = "STOPPED"
    task.desired_status = "STOPPED"
    task.stopped_reason = reason
    task.stop_code = stop_code
    task.stopped_at = _now()
    for container in task.containers:
        container.last_status = "STOPPED"
        container.exitCode = exit_code


def _secret_values(account_id, region, definition):
    from moto.secretsmanager.models import secretsmanager_backends

    backend = secretsmanager_backends[account_id][region]
    values = {}
    for secret in definition.get("secrets") or []:
        answer = backend.get_secret_value(secret_id=secret["valueFrom"], version_id=None, version_stage=None)
        values[secret["name"]] = answer["SecretString"]
    return values


def start_process(backend, task, family, runner):
    definition = backend.describe_task_definition(task.task_definition_arn)
    container_def = definition.container_definitions[0]
    name = container_def.get("name")
    override = next(
        (o for o in (task.overrides or {}).get("containerOverrides") or [] if o.get("name") == name),
        {},
    )
    command = override.get("command") or container_def.get("command") or []
    region = task.region_name

    # The container's log stream, as the awslogs driver names it.
    log_options = (container_def.get("logConfiguration") or {}).get("options") or {}
    log_group = log_options.get("awslogs-group")
    log_stream = f"{log_options.get('awslogs-stream-prefix')}/{name}/{task.id}" if log_group else None

    try:
        secrets = _secret_values(backend.account_id, region, container_def)
    except Exception as e:  # noqa: BLE001 (whatever moto raises, ECS reports the same way)
        _stop(task, None, f"ResourceInitializationError: unable to pull secrets or registry auth: {e}", "TaskFailedToStart")
        return
    binary = runner["binary"]
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        _stop(
            task,
            None,
            f"CannotPullContainerError: the emulator's runner for {family} names {binary}, which is not an executable file",
            "TaskFailedToStart",
        )
        return

    env = {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EXECUTION_ENV": "AWS_ECS_FARGATE",
        # The task role's credentials, in the emulator: its own endpoint and fake keys.
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5000')}",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    for item in (container_def.get("environment") or []) + (override.get("environment") or []):
        env[item["name"]] = item["value"]
    env.update(secrets)
    env.update(runner["env"])

    workdir = tempfile.mkdtemp(prefix=f"{family}-{task.id[:8]}-")
    try:
        process = subprocess.Popen(
            [binary] + list(command),
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    except OSError as e:
        _stop(task, None, f"CannotStartContainerError: {e}", "TaskFailedToStart")
        return

    task._transitions = [("RUNNING", "RUNNING")]
    task.last_status = "RUNNING"
    task.desired_status = "RUNNING"
    task.stopped_reason = ""
    task.stop_code = None
    task.started_at = _now()
    for container in task.containers:
        container.last_status = "RUNNING"
        container.exitCode = None
    for attachment in task.attachments:
        attachment["status"] = "ATTACHED"

    record = {
        "process": process,
        "stop_requested": False,
        "stop_timeout": float(container_def.get("stopTimeout") or 30),
    }
    with _lock:
        RUNNING[task.id] = record
    if log_stream:
        _ensure_stream(backend.account_id, region, log_group, log_stream)
    threading.Thread(
        target=_follow,
        args=(backend.account_id, region, task, record, log_group, log_stream, workdir),
        name=f"task-{task.id[:8]}",
        daemon=True,
    ).start()
    timer = threading.Timer(MAX_RUN_SECONDS, _kill, args=(process,))
    timer.daemon = True
    timer.start()


def _logs(account_id, region):
    from moto.logs.models import logs_backends

    return logs_backends[account_id][region]


def _ensure_stream(account_id, region, group, stream):
    try:
        _logs(account_id, region).create_log_stream(group, stream)
    except Exception:  # noqa: BLE001 (already there, or no such group: then the output is not kept, as in ECS)
        pass


def _put(account_id, region, group, stream, lines):
    if not stream or not lines:
        return
    now = int(time.time() * 1000)
    try:
        _logs(account_id, region).put_log_events(group, stream, [{"timestamp": now, "message": line} for line in lines])
    except Exception:  # noqa: BLE001 (a deleted log group loses the output, as in ECS)
        pass


def _follow(account_id, region, task, record, group, stream, workdir):
    """Sends the process's output to the log stream line by line, then stops the task with its exit code."""
    process = record["process"]
    for raw in process.stdout:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        # A progress line redrawn in place ("\r...") counts as its last drawing.
        line = line.rsplit("\r", 1)[-1]
        _put(account_id, region, group, stream, [line])
    code = process.wait()
    if code < 0:
        code = 128 - code  # killed by a signal: what a container's exit code says (143 SIGTERM, 137 SIGKILL)
    if record["stop_requested"]:
        _stop(task, code, task.stopped_reason or "Task stopped by user", "UserInitiated")
    else:
        _stop(task, code, EXITED[1], EXITED[0])
    with _lock:
        RUNNING.pop(task.id, None)
    try:
        for name in os.listdir(workdir):
            os.remove(os.path.join(workdir, name))
        os.rmdir(workdir)
    except OSError:
        pass


def _kill(process):
    if process.poll() is None:
        process.kill()


def _terminate_all():
    with _lock:
        records = list(RUNNING.values())
    for record in records:
        if record["process"].poll() is None:
            record["process"].terminate()
