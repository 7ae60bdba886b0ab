package proxyservice

import "litellm-aws/constructs/loadbalancer"

// How a roll or a scale-in stops a LiteLLM task without cutting the responses it is sending:
//
//  1. ECS deregisters the task from the target group. The load balancer sends it no new request and keeps
//     relaying those in flight until they end or loadbalancer.DeregistrationDelaySeconds (600 s) runs out, then
//     closes what remains. ECS waits for this before it stops the task.
//  2. ECS sends SIGTERM to the container's PID 1, which is LiteLLM: the start command ends in `exec litellm`,
//     so sh is replaced (as the image's own entrypoint does, docker/prod_entrypoint.sh: exec litellm "$@"), and
//     litellm is a Python console script that calls uvicorn.run in-process (litellm/proxy/proxy_cli.py,
//     run_server). uvicorn handles SIGTERM: with several workers its supervisor passes SIGTERM on to each
//     worker and waits for them (uvicorn/supervisors/multiprocess.py, handle_term, terminate_all, join_all);
//     each worker stops accepting, closes idle connections, waits for open ones with no limit (LiteLLM passes
//     no timeout_graceful_shutdown, and its CLI has no flag for it), then runs LiteLLM's lifespan shutdown
//     (uvicorn/server.py, shutdown). That shutdown waits for LiteLLM's own in-flight counter for up to
//     GRACEFUL_SHUTDOWN_TIMEOUT (default 30 s; all but zero by then, as uvicorn already waited), flushes the
//     queued spend logs and closes the database (litellm/proxy/proxy_server.py, proxy_startup_event after
//     yield; litellm/proxy/shutdown/graceful_shutdown_manager.py).
//  3. ECS sends SIGKILL StopTimeoutSeconds after SIGTERM if LiteLLM is still running.
//
// So a response that has started when the roll reaches its task may run for up to
// loadbalancer.DeregistrationDelaySeconds more; StopTimeoutSeconds adds nothing to that (the load balancer
// has closed the connection by then) and is LiteLLM's time to shut down cleanly. Nothing here sets
// GRACEFUL_SHUTDOWN_TIMEOUT: its default fits within StopTimeoutSeconds, and it only bounds a wait that uvicorn
// has already done.
const (
	// DefaultRequestTimeoutSeconds is litellm_settings.request_timeout unless the config sets it: how long
	// LiteLLM waits for a model provider. It equals the load balancer's deregistration delay, so a roll or a
	// scale-in lets every call LiteLLM would still wait for finish.
	DefaultRequestTimeoutSeconds = loadbalancer.DeregistrationDelaySeconds
	// StopTimeoutSeconds is the container's stopTimeout, the time between SIGTERM and SIGKILL: Fargate's
	// maximum (MaxFargateStopTimeoutSeconds), for LiteLLM's lifespan shutdown (its in-flight wait of up to
	// LiteLLMShutdownDrainSeconds, then the spend-log flush). ECS's default is 30 s.
	StopTimeoutSeconds = MaxFargateStopTimeoutSeconds
	// MaxFargateStopTimeoutSeconds is the longest stopTimeout Fargate accepts.
	MaxFargateStopTimeoutSeconds = 120
	// LiteLLMShutdownDrainSeconds is GRACEFUL_SHUTDOWN_TIMEOUT's default, the longest LiteLLM's lifespan shutdown
	// waits for its in-flight requests before it flushes and closes (DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT in
	// litellm/proxy/shutdown/graceful_shutdown_manager.py); StopTimeoutSeconds must leave room after it.
	LiteLLMShutdownDrainSeconds = 30
)
