package proxyservice

import "fmt"

// LiteLLMVersion is the LiteLLM release DefaultImage runs, and the one Contract was read against.
const LiteLLMVersion = "1.108.21"

// ContractReadAt says which LiteLLM source Contract was read in: the nearest to LiteLLMVersion this project
// could read. The README's table names it.
const ContractReadAt = "the newest BerriAI/litellm sources in reach: litellm/proxy/proxy_cli.py at commit 00540380 " +
	"(v1.105.0rc1 or later: it carries that release's deprecation of --enforce_prisma_migration_check), the other files at " +
	"their newest indexed commits, and LiteLLM's release notes and production guides (docs/proxy/prod.md, server_tuning.md) " +
	"for what changed when"

// Setting is one thing the stacks give LiteLLM and rely on it to read. Every flag, environment variable,
// secret and config key in the task definitions is a Setting; the README's "What the stacks rely on in LiteLLM"
// is this table, and a test holds the synthesized task definitions to it, both ways.
type Setting struct {
	// Kind is "flag" (in the container command), "env", "secret" (an ECS secret, as an environment variable),
	// "config" (a key of config.yaml) or "endpoint" (an HTTP path the health checks call).
	Kind string
	// Name is the flag, variable, dotted config key or path.
	Name string
	// Task is "proxy" (the service's tasks) or "migrate" (the one-off migration task).
	Task string
	// Value is what the stacks set, when it is a constant; empty when it varies (a secret, a size).
	Value string
	// Redis marks what exists only with Redis on (LITELLM_REDIS).
	Redis bool
	// Does says what LiteLLM (or, for Source "this project", the start command) does with it.
	Does string
	// Source is the LiteLLM file (and function) that reads it.
	Source string
	// Declined, when set, is why the stacks do not give LiteLLM this setting from its production checklist: the
	// row then says what LiteLLM would do with it, and the test holds that it is absent.
	Declined string
}

// Contract lists every runtime setting, proxy task first.
var Contract = []Setting{
	{Kind: "flag", Name: "--config", Task: "proxy", Value: `"$CONFIG_FILE_PATH"`,
		Does:   "The CLI loads config.yaml and reads general_settings (the pool limit among them) before starting the workers; without it the CLI uses its default pool limit of 10",
		Source: "litellm/proxy/proxy_cli.py (run_server: `if config is not None`)"},
	{Kind: "flag", Name: "--port", Task: "proxy", Value: "4000",
		Does: "Port uvicorn listens on; the load balancer's target port", Source: "litellm/proxy/proxy_cli.py (click option, default 4000)"},
	{Kind: "flag", Name: "--num_workers", Task: "proxy",
		Does: "Worker processes per task (the seed's NumWorkersPerTask, num_workers_per_task)", Source: "litellm/proxy/proxy_cli.py (uvicorn.run(workers=...))"},
	{Kind: "flag", Name: "--keepalive_timeout", Task: "proxy",
		Does:   "uvicorn's timeout_keep_alive, longer than the load balancer's idle timeout (else 5 s, and the load balancer races closing connections: 502s)",
		Source: "litellm/proxy/proxy_cli.py (ProxyInitializationHelpers._get_default_unvicorn_init_args)"},
	{Kind: "flag", Name: "--max_requests_before_restart", Task: "proxy", Value: fmt.Sprint(DefaultMaxRequestsBeforeRestart),
		Does:   "Each worker exits after this many requests (uvicorn's limit_max_requests) and uvicorn starts a new one: a slow leak (LiteLLM issue 12685) ends in a worker restart, not an out-of-memory kill of the task",
		Source: "litellm/proxy/proxy_cli.py (click option, envvar MAX_REQUESTS_BEFORE_RESTART; run_server: uvicorn_args[\"limit_max_requests\"])"},
	{Kind: "flag", Name: "--max_requests_before_restart_jitter", Task: "proxy", Value: fmt.Sprint(DefaultMaxRequestsBeforeRestart / 10),
		Does:   "Up to this many more requests per worker, at random, so the workers of a task do not restart together (uvicorn's limit_max_requests_jitter; with uvicorn older than 0.41 LiteLLM prints that it ignores the flag)",
		Source: "litellm/proxy/proxy_cli.py (_apply_uvicorn_max_requests_jitter)"},
	{Kind: "flag", Name: "--timeout_worker_healthcheck", Task: "proxy", Value: fmt.Sprint(WorkerHealthcheckTimeoutSeconds),
		Does:   "Seconds uvicorn's supervisor waits for a worker to answer its ping before killing and replacing it (5 otherwise, which can kill a worker still importing on a cold start or saturated under load; with uvicorn older than 0.37 LiteLLM prints that it ignores the flag)",
		Source: "litellm/proxy/proxy_cli.py (ProxyInitializationHelpers._get_default_unvicorn_init_args)"},
	{Kind: "env", Name: "CONFIG_FILE_PATH", Task: "proxy", Value: ConfigFilePath,
		Does: "Where the start command writes config.yaml; each worker loads it at start-up", Source: "litellm/proxy/proxy_server.py (proxy_startup_event)"},
	{Kind: "env", Name: "CONFIG_S3_BUCKET", Task: "proxy",
		Does: "Bucket the start command downloads config.yaml from (LiteLLM does not read it)", Source: "this project (start command)"},
	{Kind: "env", Name: "CONFIG_S3_OBJECT", Task: "proxy", Value: ConfigObjectKey,
		Does: "Object key of config.yaml in that bucket (LiteLLM does not read it)", Source: "this project (start command)"},
	{Kind: "env", Name: "LITELLM_LOG", Task: "proxy", Value: "ERROR",
		Does:   "Level of the handler LiteLLM's loggers write through (records below it are dropped; DEBUG otherwise), and of uvicorn's own logs: errors only, as the production guide says",
		Source: "litellm/_logging.py (handler.setLevel), litellm/proxy/proxy_cli.py (_get_default_unvicorn_init_args: log_level)"},
	{Kind: "env", Name: "LITELLM_MODE", Task: "proxy", Value: "PRODUCTION",
		Does: "Anything but DEV: no .env file is loaded", Source: "litellm/proxy/proxy_cli.py (module top)"},
	{Kind: "env", Name: "AWS_REGION", Task: "proxy",
		Does: "Region of the start command's S3 client (region_name)", Source: "this project (start command)"},
	{Kind: "env", Name: "REDIS_HOST", Task: "proxy", Redis: true,
		Does: "Redis endpoint, referenced from config.yaml as os.environ/REDIS_HOST and read by LiteLLM's Redis clients", Source: "litellm/_redis.py (_redis_kwargs_from_environment)"},
	{Kind: "env", Name: "REDIS_PORT", Task: "proxy", Value: "6379", Redis: true,
		Does: "Redis port, as above", Source: "litellm/_redis.py (_redis_kwargs_from_environment)"},
	{Kind: "env", Name: "REDIS_SSL", Task: "proxy", Value: "true", Redis: true,
		Does: "TLS to Redis (ElastiCache here accepts only TLS): redis-py's ssl", Source: "litellm/_redis.py (_redis_kwargs_from_environment)"},
	{Kind: "secret", Name: "LITELLM_MASTER_KEY", Task: "proxy",
		Does: "The admin key; config.yaml's general_settings.master_key points at it", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config)"},
	{Kind: "secret", Name: "LITELLM_SALT_KEY", Task: "proxy",
		Does:   "Encrypts the credentials LiteLLM stores in the database; without it LiteLLM uses the master key, so rotating the master key would lose them. Never changed",
		Source: "litellm/proxy/common_utils/encrypt_decrypt_utils.py (_get_salt_key)"},
	{Kind: "secret", Name: "DATABASE_URL", Task: "proxy",
		Does:   "postgresql://...?sslmode=require; the CLI appends connection_limit (the pool limit) and pool_timeout (general_settings.database_connection_timeout, unset here: LiteLLM's 60 s a request waits for a pooled connection) and keeps sslmode",
		Source: "litellm/proxy/proxy_cli.py (run_server, _build_db_connection_url_params, append_query_params)"},
	{Kind: "secret", Name: "REDIS_PASSWORD", Task: "proxy", Redis: true,
		Does: "Redis auth token, referenced from config.yaml and read by LiteLLM's Redis clients", Source: "litellm/_redis.py (_redis_kwargs_from_environment)"},
	{Kind: "config", Name: "model_list", Task: "proxy",
		Does: "The models served: the benchmark's fake-openai-endpoint unless a config is given", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config)"},
	{Kind: "config", Name: "general_settings.master_key", Task: "proxy", Value: "os.environ/LITELLM_MASTER_KEY",
		Does: "The admin key, resolved from the secret at start-up", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config, _check_for_os_environ_vars)"},
	{Kind: "config", Name: "general_settings.database_url", Task: "proxy", Value: "os.environ/DATABASE_URL",
		Does: "The database, resolved from the secret", Source: "litellm/proxy/proxy_cli.py (run_server)"},
	{Kind: "config", Name: "general_settings.database_connection_pool_limit", Task: "proxy",
		Does:   "Connections per worker: appended to DATABASE_URL as connection_limit; sized so the peak of a roll (tasks x deployment maximum percent) x workers x limit, plus the migration task's 11, fits the database's budget",
		Source: "litellm/proxy/proxy_cli.py (run_server)"},
	{Kind: "config", Name: "general_settings.disable_prisma_schema_update", Task: "proxy", Value: "true",
		Does:   "The proxy tasks never migrate the schema (the migration task does); read before the DISABLE_SCHEMA_UPDATE variable",
		Source: "litellm/proxy/proxy_cli.py (run_server), litellm/proxy/db/prisma_client.py (should_update_prisma_schema)"},
	{Kind: "config", Name: "general_settings.proxy_batch_write_at", Task: "proxy", Value: "60",
		Does: "Seconds between batched spend writes to the database", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config)"},
	{Kind: "config", Name: "general_settings.disable_error_logs", Task: "proxy", Value: "true",
		Does:   "A failed call is not also written to the database (it is still logged): a failing provider at a thousand requests a second would otherwise add as many database writes",
		Source: "litellm/proxy/hooks/proxy_track_cost_callback.py (_ProxyDBLogger._should_track_errors_in_db)"},
	{Kind: "config", Name: "general_settings.max_in_flight_requests_per_worker", Task: "proxy", Value: fmt.Sprint(DefaultMaxInFlightRequestsPerWorker),
		Does:   "Load shedding: past this many requests in flight per worker, and as many more queued for up to 1 s, a request gets 503 with Retry-After: 1 at once, which the load balancer counts; health checks are never refused",
		Source: "litellm/proxy/middleware/admission_control_middleware.py (get_admission_control_settings, AdmissionControlMiddleware)"},
	{Kind: "config", Name: "general_settings.use_redis_transaction_buffer", Task: "proxy", Value: "true", Redis: true,
		Does: "Spend updates are buffered in Redis so instances do not contend on the database", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config)"},
	{Kind: "config", Name: "litellm_settings.json_logs", Task: "proxy", Value: "true",
		Does: "JSON log lines (queried with CloudWatch Logs Insights)", Source: "litellm/proxy/proxy_cli.py (run_server), litellm/_logging.py"},
	{Kind: "config", Name: "litellm_settings.request_timeout", Task: "proxy", Value: fmt.Sprint(DefaultRequestTimeoutSeconds),
		Does:   "Seconds before a call to a model provider times out; equal to the target group's deregistration delay, so a roll lets such a call finish",
		Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config)"},
	{Kind: "config", Name: "litellm_settings.cache", Task: "proxy", Value: "true", Redis: true,
		Does: "Response cache available per request (cache_params.mode default_off)", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config)"},
	{Kind: "config", Name: "litellm_settings.cache_params", Task: "proxy", Redis: true,
		Does: "Redis cache: type redis, host/port/password from os.environ/REDIS_*, ssl, mode default_off", Source: "litellm/caching/caching.py (Cache)"},
	{Kind: "config", Name: "router_settings.redis_host", Task: "proxy", Value: "os.environ/REDIS_HOST", Redis: true,
		Does: "The router shares usage and rate-limit state across instances through Redis", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config, router_settings)"},
	{Kind: "config", Name: "router_settings.redis_port", Task: "proxy", Value: "os.environ/REDIS_PORT", Redis: true,
		Does: "As above", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config, router_settings)"},
	{Kind: "config", Name: "router_settings.redis_password", Task: "proxy", Value: "os.environ/REDIS_PASSWORD", Redis: true,
		Does: "As above", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config, router_settings)"},
	{Kind: "endpoint", Name: "/health/liveliness", Task: "proxy",
		Does: "Container health check: answers once a worker runs, without the database", Source: "litellm/proxy/health_endpoints/_health_endpoints.py"},
	{Kind: "endpoint", Name: "/health/readiness", Task: "proxy",
		Does: "Load balancer health check: 503 while the database is unreachable", Source: "litellm/proxy/health_endpoints/_health_endpoints.py"},
	{Kind: "flag", Name: "--skip_server_startup", Task: "migrate",
		Does: "Runs the schema migration (prisma migrate deploy) and exits: 0 on success, 1 or 2 on failure", Source: "litellm/proxy/proxy_cli.py (run_server)"},
	{Kind: "env", Name: "DISABLE_SCHEMA_UPDATE", Task: "migrate", Value: "false",
		Does: `Migrations on ("true"/"false" only)`, Source: "litellm/proxy/db/prisma_client.py (should_update_prisma_schema)"},
	{Kind: "env", Name: "LITELLM_MODE", Task: "migrate", Value: "PRODUCTION",
		Does: "No .env file", Source: "litellm/proxy/proxy_cli.py (module top)"},
	{Kind: "env", Name: "LITELLM_LOG", Task: "migrate", Value: "INFO",
		Does: "The migration's progress in its log stream (the handler's level, as above)", Source: "litellm/_logging.py (handler.setLevel)"},
	{Kind: "secret", Name: "DATABASE_URL", Task: "migrate",
		Does:   "The database to migrate; without --config the CLI appends its default connection_limit of 10, which the connection budget counts for this task",
		Source: "litellm/proxy/proxy_cli.py (run_server)"},

	// The production checklist's runtime settings the stacks leave out, and why.
	{Kind: "flag", Name: "--enforce_prisma_migration_check", Task: "migrate",
		Does:     "Made a failed migration exit non-zero on releases before 1.103.3, which otherwise print \"Database migration failed but continuing startup\" and exit 0; hidden, deprecated and ignored from 1.105.0",
		Source:   "litellm/proxy/proxy_cli.py (click option --enforce_prisma_migration_check, hidden)",
		Declined: "a no-op at the pinned release; the image rule refuses releases before " + MinImageVersion + " instead (MinImageVersion), from which a failed migration exits 1 or 2 and fails the deploy"},
	{Kind: "config", Name: "general_settings.allow_requests_on_db_unavailable", Task: "proxy",
		Does:     "With the database unreachable, requests pass as the proxy admin (\"failed-to-connect-to-db\") and /health/readiness answers 200",
		Source:   "litellm/proxy/db/exception_handler.py (PrismaDBExceptionHandler.should_allow_request_on_db_unavailable), litellm/proxy/auth/user_api_key_auth.py",
		Declined: "keys and budgets would go unchecked, and the load balancer's readiness check could no longer take a task that lost the database out of service; LiteLLM's guide allows it only inside a VPC, and the load balancer here is public"},
	{Kind: "env", Name: "SEPARATE_HEALTH_APP", Task: "proxy",
		Does:     "The image's entrypoint runs supervisord with a second, one-process uvicorn serving the health endpoints on SEPARATE_HEALTH_PORT (4001) beside the workers",
		Source:   "docker/prod_entrypoint.sh, docker/supervisord.conf, litellm/proxy/health_endpoints/health_app_factory.py",
		Declined: "only the image's entrypoint reads it, and the start command replaces that entrypoint to fetch config.yaml; its readiness would answer from a process that shares neither the workers' event loop nor their database connection. Admission control never refuses health checks, so they do not queue behind load"},
	{Kind: "config", Name: "general_settings.alerting", Task: "proxy",
		Does:     "Slack alerts on budgets, outages and slow calls, through a webhook",
		Source:   "litellm/proxy/proxy_server.py (ProxyConfig.load_config: alerting)",
		Declined: "needs a Slack webhook the user owns; the stacks alarm through CloudWatch and SNS instead (alarm_email), and a config.yaml may add it"},
	{Kind: "config", Name: "general_settings.proxy_config_reload_interval_seconds", Task: "proxy",
		Does:     "How often each instance reloads models and settings stored in the database (store_model_in_db)",
		Source:   "litellm/proxy/proxy_server.py (ProxyConfig, store_model_in_db reload)",
		Declined: "models come from config.yaml and nothing is stored in the database to reload; a new config.yaml rolls the tasks"},
	{Kind: "config", Name: "general_settings.scheduled_job_stagger", Task: "proxy",
		Does:     "Spreads the background jobs (spend flushes, budget resets) of the instances over a window",
		Source:   "litellm/proxy/common_utils/scheduled_job_stagger.py (parse_stagger_settings)",
		Declined: "LiteLLM's default is already on, over 300 s, keyed on each task's own hostname"},
}
