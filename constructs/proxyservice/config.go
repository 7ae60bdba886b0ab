package proxyservice

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// BenchmarkConfig is the LiteLLM config of the published benchmark: one model, fake-openai-endpoint, served
// by LiteLLM's public fake OpenAI endpoint, so the benchmark measures the proxy and not a model.
const BenchmarkConfig = `model_list:
  - model_name: fake-openai-endpoint
    litellm_params:
      model: openai/fake
      api_key: fake-key
      api_base: https://exampleopenaiendpoint-production.up.railway.app/
`

// poolLimitPlaceholder stands in for database_connection_pool_limit while the YAML is written; it is then
// replaced by the Terraform expression that computes the limit at deploy time, so the YAML holds a number.
const poolLimitPlaceholder = 987654321

// configSettings are the props mergeConfig writes into config.yaml.
type configSettings struct {
	batchWriteAtSeconds, maxInFlightPerWorker int
	redis                                     bool
}

func (p Props) configSettings() configSettings {
	return configSettings{batchWriteAtSeconds: p.ProxyBatchWriteAtSeconds, maxInFlightPerWorker: p.MaxInFlightRequestsPerWorker, redis: p.Redis != nil}
}

// mergeConfig adds LiteLLM's production settings to a user's config.yaml; a setting the user's file has is kept,
// except those the deployment depends on (secrets from the environment, the pool limit, no schema updates). The
// output is deterministic (keys sorted) so that an unchanged config never rolls the service.
func mergeConfig(config string, c configSettings) (string, error) {
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(config), &doc); err != nil {
		return "", fmt.Errorf("not valid YAML: %v", err)
	}
	if models, ok := doc["model_list"].([]any); !ok || len(models) == 0 {
		return "", fmt.Errorf("model_list is missing or empty: allowed a config.yaml with at least one model (see BenchmarkConfig)")
	}
	general, err := section(doc, "general_settings")
	if err != nil {
		return "", err
	}
	// Secrets reach the container through ECS secrets as environment variables, never through this file.
	for key, env := range map[string]string{"master_key": "LITELLM_MASTER_KEY", "database_url": "DATABASE_URL"} {
		if v, ok := general[key]; ok && v != "os.environ/"+env {
			return "", fmt.Errorf("general_settings.%s must not be set in the config (it would be stored in S3 in plain text): it is read from the %s secret", key, env)
		}
		general[key] = "os.environ/" + env
	}
	if _, ok := general["proxy_batch_write_at"]; !ok {
		general["proxy_batch_write_at"] = c.batchWriteAtSeconds
	}
	// A failed call is logged to CloudWatch either way; without this LiteLLM also writes a failure row to the
	// database for each one (litellm/proxy/hooks/proxy_track_cost_callback.py, _ProxyDBLogger.
	// _should_track_errors_in_db), so a failing provider at a thousand requests a second loads the database too.
	if _, ok := general["disable_error_logs"]; !ok {
		general["disable_error_logs"] = true
	}
	// Load shedding: past this many requests in flight (and as many queued for up to a second) a worker answers
	// 503 at once (litellm/proxy/middleware/admission_control_middleware.py, get_admission_control_settings).
	if _, ok := general["max_in_flight_requests_per_worker"]; !ok {
		general["max_in_flight_requests_per_worker"] = c.maxInFlightPerWorker
	}
	// Read by the CLI with --config (litellm/proxy/proxy_cli.py, run_server) and appended to DATABASE_URL as
	// each worker's Prisma connection_limit.
	general["database_connection_pool_limit"] = poolLimitPlaceholder
	// The proxy tasks never migrate: the migration task does, once per image (see migration). The CLI reads this
	// key before the DISABLE_SCHEMA_UPDATE variable (should_update_prisma_schema, litellm/proxy/db/prisma_client.py).
	if v, ok := general["disable_prisma_schema_update"]; ok && v != true {
		return "", fmt.Errorf("general_settings.disable_prisma_schema_update is %v: allowed only true (or unset), as the migration task migrates the database and the proxy tasks must not", v)
	}
	general["disable_prisma_schema_update"] = true

	settings, err := section(doc, "litellm_settings")
	if err != nil {
		return "", err
	}
	if _, ok := settings["json_logs"]; !ok {
		settings["json_logs"] = true // CloudWatch Logs Insights can query JSON fields
	}
	if _, ok := settings["request_timeout"]; !ok {
		settings["request_timeout"] = DefaultRequestTimeoutSeconds // as long as a roll lets responses run
	}

	if c.redis {
		if err := addRedis(doc, general, settings); err != nil {
			return "", err
		}
	}

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// renderConfig replaces the pool limit placeholder with a Terraform expression (or a literal number).
func renderConfig(merged, poolLimit string) string {
	return strings.Replace(merged, fmt.Sprint(poolLimitPlaceholder), poolLimit, 1)
}

func section(doc map[string]any, key string) (map[string]any, error) {
	switch v := doc[key].(type) {
	case nil:
		m := map[string]any{}
		doc[key] = m
		return m, nil
	case map[string]any:
		return v, nil
	default:
		return nil, fmt.Errorf("%s is a %T: allowed a mapping", key, v)
	}
}

// addRedis wires Redis in the way LiteLLM documents for several instances: the router shares rate-limit
// and usage state through it, spend updates are buffered in it instead of each instance writing to the
// database, and the response cache is available per request (off by default, so a benchmark still
// measures the proxy, not cache hits). Connection details come from the environment.
func addRedis(doc, general, settings map[string]any) error {
	router, err := section(doc, "router_settings")
	if err != nil {
		return err
	}
	for key, env := range map[string]string{"redis_host": "REDIS_HOST", "redis_port": "REDIS_PORT", "redis_password": "REDIS_PASSWORD"} {
		if _, ok := router[key]; !ok {
			router[key] = "os.environ/" + env
		}
	}
	if _, ok := general["use_redis_transaction_buffer"]; !ok {
		general["use_redis_transaction_buffer"] = true
	}
	if _, ok := settings["cache"]; !ok {
		settings["cache"] = true
		settings["cache_params"] = map[string]any{
			"type":     "redis",
			"host":     "os.environ/REDIS_HOST",
			"port":     "os.environ/REDIS_PORT",
			"password": "os.environ/REDIS_PASSWORD",
			"ssl":      true,
			"mode":     "default_off",
		}
	}
	return nil
}
