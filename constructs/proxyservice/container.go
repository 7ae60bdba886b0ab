package proxyservice

import (
	"encoding/json"
	"fmt"
	"strings"

	"litellm-aws/constructs/cache"
	"litellm-aws/internal/rule"
)

// ConfigFilePath is where the start command puts config.yaml inside the container.
const ConfigFilePath = "/tmp/litellm/config.yaml"

// startCommand fetches config.yaml from S3 and starts LiteLLM on it, so that LiteLLM's CLI and its workers read
// the same file:
//
//   - The CLI reads general_settings (database_connection_pool_limit among them) only when started with --config;
//     with LiteLLM's S3 variables alone it appends its default connection_limit=10 to DATABASE_URL
//     (litellm/proxy/proxy_cli.py, run_server: `if config is not None:` ... append_query_params). --config takes
//     a local path only (ProxyConfig._get_config_from_file opens it), hence the download.
//   - Each worker loads CONFIG_FILE_PATH at start-up (litellm/proxy/proxy_server.py, proxy_startup_event) and
//     otherwise the config the CLI hands over in WORKER_CONFIG; both are this file.
//   - --num_workers and --keepalive_timeout are the CLI's flags (proxy_cli.py, click options); the latter is
//     uvicorn's timeout_keep_alive (ProxyInitializationHelpers._get_default_unvicorn_init_args), 5 s otherwise.
//   - --max_requests_before_restart becomes uvicorn's limit_max_requests (proxy_cli.py, run_server), and its
//     _jitter uvicorn's limit_max_requests_jitter (_apply_uvicorn_max_requests_jitter: uvicorn 0.41 or newer,
//     else LiteLLM prints that it ignores it); --timeout_worker_healthcheck uvicorn's timeout_worker_healthcheck
//     (_get_default_unvicorn_init_args: uvicorn 0.37 or newer, else ignored with a message). All three apply to
//     uvicorn, the server LiteLLM runs unless told otherwise.
//   - `litellm` is what the image's entrypoint runs (docker/prod_entrypoint.sh: exec litellm "$@"). python and
//     boto3 are in the image (docker/Dockerfile.database; boto3 is a proxy requirement).
//
// CONFIG_S3_BUCKET and CONFIG_S3_OBJECT are read by this command only; LiteLLM never sees them.
func startCommand(p Props, port int) string {
	fetch := `python -c "import os, boto3; ` +
		`os.makedirs(os.path.dirname(os.environ['CONFIG_FILE_PATH']), exist_ok=True); ` +
		`boto3.client('s3', region_name=os.environ['AWS_REGION']).download_file(` +
		`os.environ['CONFIG_S3_BUCKET'], os.environ['CONFIG_S3_OBJECT'], os.environ['CONFIG_FILE_PATH'])"`
	litellm := strings.Join([]string{
		"exec litellm",
		`--config "$CONFIG_FILE_PATH"`,
		"--port", fmt.Sprint(port),
		"--num_workers", rule.Number(p.WorkersPerTask).Text(),
		"--keepalive_timeout", fmt.Sprint(p.KeepAliveTimeoutSeconds),
		"--max_requests_before_restart", fmt.Sprint(p.MaxRequestsBeforeRestart),
		"--max_requests_before_restart_jitter", fmt.Sprint(p.MaxRequestsBeforeRestart / 10),
		"--timeout_worker_healthcheck", fmt.Sprint(WorkerHealthcheckTimeoutSeconds),
	}, " ")
	return fetch + " && " + litellm
}

// proxyContainer is the LiteLLM container of the service's task definition.
func (s *ProxyService) proxyContainer(p Props, port int, config configObject, secrets serviceSecrets) map[string]any {
	environment := []map[string]string{
		// Read by the start command and by LiteLLM's workers (see startCommand).
		{"name": "CONFIG_FILE_PATH", "value": ConfigFilePath},
		{"name": "CONFIG_S3_BUCKET", "value": *config.bucket},
		{"name": "CONFIG_S3_OBJECT", "value": ConfigObjectKey},
		// litellm/_logging.py: the level of the handler LiteLLM's loggers write through (DEBUG otherwise), and
		// of uvicorn's logs (proxy_cli.py, _get_default_unvicorn_init_args): errors only, as LiteLLM's
		// production guide says (docs/proxy/prod.md, "LITELLM_LOG=ERROR").
		{"name": "LITELLM_LOG", "value": "ERROR"},
		// litellm/proxy/proxy_cli.py: anything but DEV skips loading a .env file.
		{"name": "LITELLM_MODE", "value": "PRODUCTION"},
		// The start command's S3 client, and LiteLLM's AWS clients.
		{"name": "AWS_REGION", "value": p.Region},
	}
	if p.Redis != nil {
		// Referenced from config.yaml as os.environ/REDIS_* (see addRedis); LiteLLM's Redis clients also read
		// REDIS_SSL directly (litellm/_redis.py, get_redis_kwargs from REDIS_* variables).
		environment = append(environment,
			map[string]string{"name": "REDIS_HOST", "value": *p.Redis.Address},
			map[string]string{"name": "REDIS_PORT", "value": fmt.Sprint(cache.Port)},
			// ElastiCache here only accepts TLS.
			map[string]string{"name": "REDIS_SSL", "value": "true"})
	}
	return map[string]any{
		"name":       ContainerName,
		"image":      p.Image,
		"essential":  true,
		"entryPoint": []string{"sh", "-c"},
		"command":    []string{startCommand(p, port)},
		// A new config.yaml changes this label, so the task definition changes and the service rolls.
		"dockerLabels": map[string]string{"litellm-aws.config-sha256": *config.sha256},
		"portMappings": []map[string]any{
			{"containerPort": port, "hostPort": port, "protocol": "tcp"},
		},
		"environment":      environment,
		"secrets":          secrets.env,
		"logConfiguration": awslogs(*s.LogGroupName, p.Region, ContainerName),
		// SIGTERM comes once the load balancer has drained the task; LiteLLM then shuts down (see drain.go).
		"stopTimeout": StopTimeoutSeconds,
		// /health/liveliness answers as soon as the worker runs, without the database
		// (litellm/proxy/health_endpoints/_health_endpoints.py). The image has Python but not curl.
		"healthCheck": map[string]any{
			"command": []string{"CMD", "python", "-c",
				fmt.Sprintf("import urllib.request; urllib.request.urlopen('http://127.0.0.1:%d/health/liveliness', timeout=4)", port)},
			"interval":    30,
			"timeout":     5,
			"retries":     3,
			"startPeriod": p.HealthCheckStartPeriodSeconds,
		},
		// A thousand concurrent users need more open sockets than the default 1024.
		"ulimits": []map[string]any{{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}},
	}
}

func awslogs(group, region, prefix string) map[string]any {
	return map[string]any{
		"logDriver": "awslogs",
		"options": map[string]string{
			"awslogs-group":         group,
			"awslogs-region":        region,
			"awslogs-stream-prefix": prefix,
		},
	}
}

// containerDefinitions is the JSON ECS takes for a task definition's containers.
func containerDefinitions(containers ...map[string]any) string {
	b, err := json.Marshal(containers)
	if err != nil {
		panic(err) // plain maps, strings and numbers only
	}
	return string(b)
}
