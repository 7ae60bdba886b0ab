package proxyservice

import "fmt"

// LiteLLMVersion is the LiteLLM release DefaultImage runs, and the one Contract was read against.
const LiteLLMVersion = "1.108.21"

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
	{Kind: "env", Name: "CONFIG_FILE_PATH", Task: "proxy", Value: ConfigFilePath,
		Does: "Where the start command writes config.yaml; each worker loads it at start-up", Source: "litellm/proxy/proxy_server.py (proxy_startup_event)"},
	{Kind: "env", Name: "CONFIG_S3_BUCKET", Task: "proxy",
		Does: "Bucket the start command downloads config.yaml from (LiteLLM does not read it)", Source: "this project (start command)"},
	{Kind: "env", Name: "CONFIG_S3_OBJECT", Task: "proxy", Value: ConfigObjectKey,
		Does: "Object key of config.yaml in that bucket (LiteLLM does not read it)", Source: "this project (start command)"},
	{Kind: "env", Name: "LITELLM_LOG", Task: "proxy", Value: "ERROR",
		Does: "Level of LiteLLM's loggers (DEBUG otherwise)", Source: "litellm/_logging.py"},
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
		Does:   "postgresql://...?sslmode=require; the CLI appends connection_limit (the pool limit) and keeps sslmode",
		Source: "litellm/proxy/proxy_cli.py (run_server, append_query_params)"},
	{Kind: "secret", Name: "REDIS_PASSWORD", Task: "proxy", Redis: true,
		Does: "Redis auth token, referenced from config.yaml and read by LiteLLM's Redis clients", Source: "litellm/_redis.py (_redis_kwargs_from_environment)"},
	{Kind: "config", Name: "model_list", Task: "proxy",
		Does: "The models served: the benchmark's fake-openai-endpoint unless a config is given", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config)"},
	{Kind: "config", Name: "general_settings.master_key", Task: "proxy", Value: "os.environ/LITELLM_MASTER_KEY",
		Does: "The admin key, resolved from the secret at start-up", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config, _check_for_os_environ_vars)"},
	{Kind: "config", Name: "general_settings.database_url", Task: "proxy", Value: "os.environ/DATABASE_URL",
		Does: "The database, resolved from the secret", Source: "litellm/proxy/proxy_cli.py (run_server)"},
	{Kind: "config", Name: "general_settings.database_connection_pool_limit", Task: "proxy",
		Does:   "Connections per worker: appended to DATABASE_URL as connection_limit; sized so max tasks x workers x limit fits the database's budget",
		Source: "litellm/proxy/proxy_cli.py (run_server)"},
	{Kind: "config", Name: "general_settings.disable_prisma_schema_update", Task: "proxy", Value: "true",
		Does:   "The proxy tasks never migrate the schema (the migration task does); read before the DISABLE_SCHEMA_UPDATE variable",
		Source: "litellm/proxy/proxy_cli.py (run_server), litellm/proxy/db/prisma_client.py (should_update_prisma_schema)"},
	{Kind: "config", Name: "general_settings.proxy_batch_write_at", Task: "proxy", Value: "60",
		Does: "Seconds between batched spend writes to the database", Source: "litellm/proxy/proxy_server.py (ProxyConfig.load_config)"},
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
		Does: "The migration's progress in its log stream", Source: "litellm/_logging.py"},
	{Kind: "secret", Name: "DATABASE_URL", Task: "migrate",
		Does: "The database to migrate", Source: "litellm/proxy/proxy_cli.py (run_server)"},
}
