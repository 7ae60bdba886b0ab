package proxyservice

import (
	"fmt"
	"strings"
	"testing"

	"litellm-aws/internal/rule"
)

func TestFargateSizeRule(t *testing.T) {
	cases := []struct {
		name      string
		cpu, mem  float64
		wantError string
	}{
		{"benchmark size", 4096, 8192, ""},
		{"smallest", 256, 512, ""},
		{"largest", 16384, 122880, ""},
		{"8 vCPU in 4 GiB steps", 8192, 20480, ""},
		{"memory too small for 4 vCPU", 4096, 3000, "MemoryMiB = 3000 MiB is not valid with CPU = 4096 CPU units: allowed 8192-30720 in steps of 1024."},
		{"off-step for 8 vCPU", 8192, 17408, "MemoryMiB = 17408 MiB is not valid with CPU = 8192 CPU units: allowed 16384-61440 in steps of 4096."},
		{"not a CPU size", 3000, 8192, "MemoryMiB = 8192 MiB is not valid with CPU = 3000 CPU units: allowed CPU units 256, 512, 1024, 2048, 4096, 8192, 16384 only."},
		{"256 with 4096", 256, 4096, "MemoryMiB = 4096 MiB is not valid with CPU = 256 CPU units: allowed 512, 1024 or 2048."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := FargateSizeRule("CPU", rule.Number(tc.cpu), "MemoryMiB", rule.Number(tc.mem)).Problem()
			if got != tc.wantError {
				t.Fatalf("FargateSizeRule(%v, %v) = %q, want %q", tc.cpu, tc.mem, got, tc.wantError)
			}
		})
	}
}

// TestConnectionBudget: at the peak of a roll (the most tasks x the deployment maximum percent, rounded down
// as ECS does) every worker gets its pool and the migration task its connections, within the budget (80% of
// max_connections: 360 on db.t3.medium, 89 on db.t3.micro); the rule fails, naming every input, when they
// do not fit.
func TestConnectionBudget(t *testing.T) {
	cases := []struct {
		name                           string
		budget, most, percent, workers float64
		wantPeak, wantLimit            float64
		wantError                      string
	}{
		// The profiles at DefaultDeploymentMaximumPercent, without autoscaling (the most tasks is the desired
		// count) and with it (the autoscaling maximum, 10).
		{name: "benchmark: 4 tasks", budget: 360, most: 4, percent: 150, workers: 4, wantPeak: 6, wantLimit: 14},
		{name: "two-instance: 2 tasks", budget: 360, most: 2, percent: 150, workers: 4, wantPeak: 3, wantLimit: 20}, // 29, capped at 20
		{name: "eight-instance: 8 tasks", budget: 360, most: 8, percent: 150, workers: 4, wantPeak: 12, wantLimit: 7},
		{name: "any profile autoscaling to 10", budget: 360, most: 10, percent: 150, workers: 4, wantPeak: 15, wantLimit: 5},
		{name: "rounded down as ECS does", budget: 360, most: 7, percent: 150, workers: 4, wantPeak: 10, wantLimit: 8}, // 10.5
		// What issue 16 found: a roll at 200% doubles the tasks.
		{name: "eight-instance autoscaling to 10 at 200%", budget: 360, most: 10, percent: 200, workers: 4, wantPeak: 20, wantLimit: 4,
			wantError: "autoscaling_max_task_count = 10 tasks at DeploymentMaximumPercent = 200 is 20 tasks at the peak of a roll; " +
				"with WorkersPerTask = 4 workers and at least 5 connections each, plus 11 for the migration task, they need 411 connections, " +
				"above the 360 that the class allows LiteLLM (80% of max_connections; 4 per worker): allowed at most 17 tasks at the peak;"},
		{name: "eight-instance at 200% still fits at the floor", budget: 360, most: 8, percent: 200, workers: 4, wantPeak: 16, wantLimit: 5},
		{name: "the migration task tips it over", budget: 360, most: 9, percent: 200, workers: 4, wantPeak: 18, wantLimit: 4, // 18 x 4 x 5 = 360, + 11
			wantError: "need 371 connections, above the 360"},
		{name: "boundary: fits", budget: 89, most: 15, percent: 101, workers: 1, wantPeak: 15, wantLimit: 5}, // 15 x 5 + 11 = 86
		{name: "boundary: one task too many", budget: 89, most: 16, percent: 101, workers: 1, wantPeak: 16, wantLimit: 4,
			wantError: "16 tasks at the peak of a roll; with WorkersPerTask = 1 workers"},
		{name: "big class, too many workers", budget: 4000, most: 100, percent: 200, workers: 32, wantPeak: 200, wantLimit: 0,
			wantError: "autoscaling_max_task_count = 100 tasks at DeploymentMaximumPercent = 200 is 200 tasks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, n, pct, w := rule.Number(tc.budget), rule.Number(tc.most), rule.Number(tc.percent), rule.Number(tc.workers)
			peak := PeakTasks(n, pct).Float()
			limit := PoolLimit(b, rule.Number(peak), w).Float()
			if peak != tc.wantPeak || limit != tc.wantLimit {
				t.Errorf("peak %v tasks, pool limit %v; want %v and %v", peak, limit, tc.wantPeak, tc.wantLimit)
			}
			problem := ConnectionBudgetRule("the class", b, "autoscaling_max_task_count", n, "DeploymentMaximumPercent", pct, "WorkersPerTask", w).Problem()
			switch {
			case tc.wantError == "" && problem != "":
				t.Errorf("unexpected problem: %s", problem)
			case tc.wantError != "" && !strings.Contains(problem, tc.wantError):
				t.Errorf("problem = %q, want one containing %q", problem, tc.wantError)
			}
			if used := peak*tc.workers*limit + MigrationConnections; problem == "" && used > tc.budget {
				t.Errorf("%v tasks x %v workers x %v + %d = %v exceeds the budget %v", peak, tc.workers, limit, MigrationConnections, used, tc.budget)
			}
		})
	}
}

// TestRollRoom: with the minimum healthy percent at 100, a roll must be able to start one task more than the
// service runs, after ECS rounds down.
func TestRollRoom(t *testing.T) {
	cases := []struct {
		percent, fewest float64
		wantError       string
	}{
		{150, 2, ""},
		{150, 3, ""}, // 4.5, rounded down to 4
		{150, 1, "DeploymentMaximumPercent = 150 leaves a roll of desired_task_count = 1 tasks no room: ECS rounds 1 x 150% down to 1 tasks " +
			"and keeps every old task until its replacement is healthy, so no new task starts: allowed at least 200 for 1 tasks."},
		{200, 1, ""},
		{110, 5, "allowed at least 120 for 5 tasks."},
		{120, 5, ""},
		{133, 3, "allowed at least 134 for 3 tasks."},
		{134, 3, ""},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v%% of %v", tc.percent, tc.fewest), func(t *testing.T) {
			problem := RollRoomRule("DeploymentMaximumPercent", rule.Number(tc.percent), "desired_task_count", rule.Number(tc.fewest)).Problem()
			if (tc.wantError == "") != (problem == "") || !strings.Contains(problem, tc.wantError) {
				t.Errorf("problem = %q, want %q", problem, tc.wantError)
			}
		})
	}
}

var testSettings = configSettings{batchWriteAtSeconds: 60, maxInFlightPerWorker: 64}

func TestMergeConfig(t *testing.T) {
	t.Run("benchmark config gets production settings", func(t *testing.T) {
		got, err := mergeConfig(BenchmarkConfig, testSettings)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"model_name: fake-openai-endpoint",
			"api_base: https://exampleopenaiendpoint-production.up.railway.app/",
			"master_key: os.environ/LITELLM_MASTER_KEY",
			"database_url: os.environ/DATABASE_URL",
			"proxy_batch_write_at: 60",
			"database_connection_pool_limit: 987654321",
			"json_logs: true",
			"disable_prisma_schema_update: true",
			"disable_error_logs: true",
			"max_in_flight_requests_per_worker: 64",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("merged config lacks %q:\n%s", want, got)
			}
		}
		if renderConfig(got, "${local.x}") == got || !strings.Contains(renderConfig(got, "${local.x}"), "database_connection_pool_limit: ${local.x}") {
			t.Errorf("renderConfig did not place the pool limit")
		}
	})
	t.Run("user settings are kept", func(t *testing.T) {
		got, err := mergeConfig("model_list:\n  - model_name: gpt\n    litellm_params: {model: openai/gpt-4o}\ngeneral_settings:\n  proxy_batch_write_at: 30\n  disable_error_logs: false\n  max_in_flight_requests_per_worker: 500\nlitellm_settings:\n  json_logs: false\n", testSettings)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"model_name: gpt", "proxy_batch_write_at: 30", "json_logs: false", "database_connection_pool_limit: 987654321",
			"disable_error_logs: false", "max_in_flight_requests_per_worker: 500"} {
			if !strings.Contains(got, want) {
				t.Errorf("merged config lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("schema updates stay off", func(t *testing.T) {
		for _, config := range []string{
			"model_list: [{model_name: a}]\n",
			"model_list: [{model_name: a}]\ngeneral_settings:\n  disable_prisma_schema_update: true\n",
		} {
			got, err := mergeConfig(config, testSettings)
			if err != nil || !strings.Contains(got, "disable_prisma_schema_update: true") {
				t.Errorf("mergeConfig(%q) = %v, %q: want disable_prisma_schema_update: true", config, err, got)
			}
		}
	})
	t.Run("deterministic", func(t *testing.T) {
		a, _ := mergeConfig(BenchmarkConfig, testSettings)
		b, _ := mergeConfig(BenchmarkConfig, testSettings)
		if a != b {
			t.Fatal("two merges differ")
		}
	})
	rejects := []struct{ name, config, want string }{
		{"not YAML", "model_list: [", "not valid YAML"},
		{"no models", "general_settings: {}\n", "model_list is missing or empty"},
		{"master key in the file", "model_list: [{model_name: a}]\ngeneral_settings:\n  master_key: sk-plain-text\n", "general_settings.master_key must not be set in the config"},
		{"database url in the file", "model_list: [{model_name: a}]\ngeneral_settings:\n  database_url: postgresql://u:p@h/db\n", "general_settings.database_url must not be set"},
		{"schema updates on", "model_list: [{model_name: a}]\ngeneral_settings:\n  disable_prisma_schema_update: false\n",
			"general_settings.disable_prisma_schema_update is false: allowed only true (or unset), as the migration task migrates the database and the proxy tasks must not"},
		{"schema updates as a string", "model_list: [{model_name: a}]\ngeneral_settings:\n  disable_prisma_schema_update: \"no\"\n",
			"general_settings.disable_prisma_schema_update is no: allowed only true (or unset)"},
		{"settings not a mapping", "model_list: [{model_name: a}]\nlitellm_settings: [1]\n", "litellm_settings is a []interface {}: allowed a mapping"},
	}
	for _, tc := range rejects {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := mergeConfig(tc.config, testSettings); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("mergeConfig = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestImageRule(t *testing.T) {
	digest := strings.Repeat("0123456789abcdef", 4)
	cases := []struct {
		name, image string
		pinned      bool
	}{
		{"default", DefaultImage, true},
		{"stable release", "ghcr.io/berriai/litellm-database:main-v1.108.21-stable", true},
		{"plain version", "ghcr.io/berriai/litellm:1.108.21", true},
		{"the oldest accepted", "ghcr.io/berriai/litellm-database:v1.103.3", true},
		{"two-part version", "ghcr.io/berriai/litellm-database:v1.104", true},
		{"a later major", "ghcr.io/berriai/litellm-database:v2.0.1", true},
		{"tag and digest", "ghcr.io/berriai/litellm-database:v1.108.21@sha256:" + digest, true},
		{"just before the floor", "ghcr.io/berriai/litellm-database:v1.103.2", false},
		{"an old stable release", "ghcr.io/berriai/litellm-database:main-v1.74.9-stable", false},
		{"an old plain version", "ghcr.io/berriai/litellm:1.55.8", false},
		{"digest without a version", "ghcr.io/berriai/litellm-database@sha256:" + digest, false},
		{"ECR", "123456789012.dkr.ecr.us-east-1.amazonaws.com/litellm:v1.108.21", true},
		{"registry with a port", "localhost:5000/litellm/litellm-database:v1.108.21", true},
		{"Docker Hub", "berriai/litellm:v1.108.21", true},
		{"latest", "ghcr.io/berriai/litellm-database:latest", false},
		{"main-latest", "ghcr.io/berriai/litellm-database:main-latest", false},
		{"main-stable", "ghcr.io/berriai/litellm-database:main-stable", false},
		{"stable", "ghcr.io/berriai/litellm-database:stable", false},
		{"lts", "ghcr.io/berriai/litellm-database:lts", false},
		{"no tag", "ghcr.io/berriai/litellm-database", false},
		{"no repository", "litellm:v1.108.21", false},
		{"upper case", "ghcr.io/BerriAI/litellm:v1.108.21", false},
		{"short digest", "ghcr.io/berriai/litellm@sha256:" + digest[:10], false},
		{"empty", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := ""
			if !tc.pinned {
				want = fmt.Sprintf("Image = %q is not a pinned image: allowed %s.", tc.image, ImageRule)
			}
			if got := ImageRuleFor("Image", rule.String(tc.image)).Problem(); got != want {
				t.Fatalf("ImageRuleFor(%q) = %q, want %q", tc.image, got, want)
			}
		})
	}
	if ImageRuleFor("Image", rule.String(DefaultImage)).Problem() != "" || !strings.Contains(ImageRule, DefaultImage) || !strings.Contains(ImageRule, MinImageVersion) {
		t.Errorf("the default image %s is not pinned, or not the rule's example", DefaultImage)
	}
}

// TestImageVersionFloor: over a grid of versions, the image rule accepts exactly those of MinImageVersion or
// newer, compared as numbers, in every tag form LiteLLM publishes.
func TestImageVersionFloor(t *testing.T) {
	floor := parseVersion(t, MinImageVersion)
	if floor != parseVersion(t, "1.103.3") || parseVersion(t, LiteLLMVersion).less(floor) {
		t.Fatalf("MinImageVersion %s, pinned %s", MinImageVersion, LiteLLMVersion)
	}
	for major := 0; major <= 3; major++ {
		for minor := 0; minor <= 1200; minor += pick(minor) {
			for _, patch := range []int{-1, 0, 1, 2, 3, 4, 9, 10, 25, 103} {
				v := fmt.Sprintf("%d.%d", major, minor)
				if patch >= 0 {
					v += fmt.Sprintf(".%d", patch)
				}
				want := !parseVersion(t, v).less(floor)
				for _, tag := range []string{v, "v" + v, "main-v" + v + "-stable", "v" + v + "-nightly"} {
					image := "ghcr.io/berriai/litellm-database:" + tag
					if got := ImageRuleFor("Image", rule.String(image)).Problem() == ""; got != want {
						t.Errorf("%s accepted = %v, want %v (floor %s)", image, got, want, MinImageVersion)
					}
				}
			}
		}
	}
}

// pick steps through the minors, densely around the floor and in each digit-count change.
func pick(minor int) int {
	if minor < 120 || (minor > 190 && minor < 210) || (minor > 990 && minor < 1010) {
		return 1
	}
	return 37
}

type version [3]int

func parseVersion(t *testing.T, s string) version {
	t.Helper()
	var v version
	parts := strings.Split(s, ".")
	for i, p := range parts {
		if _, err := fmt.Sscan(p, &v[i]); err != nil {
			t.Fatalf("version %q: %v", s, err)
		}
	}
	return v
}

func (v version) less(w version) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}
