package stacks_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/emulator"
	"litellm-aws/internal/localaws"
	"litellm-aws/internal/tftest"
	"litellm-aws/stacks"
)

// The two ways the emulator tests synthesize the stacks: as they are, and with the options that add resources
// the emulator supports (Redis and autoscaling, and the alarm email).
const (
	plainStacks     = "plain"
	redisAndScaling = "redis-autoscaling"
)

var variants = map[string]func(*stacks.Profile){
	plainStacks:     func(*stacks.Profile) {},
	redisAndScaling: func(p *stacks.Profile) { p.Redis, p.Autoscaling = true, true },
}

var presynthesized string

// presynthesize writes every variant as `cdktf synth` does for AWS, into a new folder it returns; emulated gives
// each test a copy with the override that points it at its own emulator (internal/localaws), as
// `LITELLM_AWS_ENDPOINT=... cdktf synth` writes. TestEmulatedStackIsTheAWSStack proves the two agree.
func presynthesize() (string, error) {
	dir, err := os.MkdirTemp("", "litellm-stacks-")
	if err != nil {
		return "", err
	}
	for name, option := range variants {
		if err := synthesizeInto(filepath.Join(dir, name), "", option); err != nil {
			return dir, err
		}
	}
	presynthesized = dir
	return dir, nil
}

// synthesizeInto synthesizes every stack with option into out, as main does: with the emulator's override beside
// each stack when endpoint is set.
func synthesizeInto(out, endpoint string, option func(*stacks.Profile)) error {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(out)})
	for _, p := range stacks.All() {
		option(&p)
		if _, err := stacks.New(app, p); err != nil {
			return err
		}
	}
	app.Synth()
	if endpoint == "" {
		return nil
	}
	return localaws.WriteOverrides(out, endpoint)
}

// emulated returns a copy of a presynthesized variant pointed at srv: the folder of its stacks.
func emulated(t *testing.T, srv *emulator.Server, variant string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cdktf.out")
	copyTree(t, filepath.Join(presynthesized, variant), out)
	if err := localaws.WriteOverrides(out, srv.Endpoint); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(out, "stacks")
}

// copyTree copies the tree from to to.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEmulatedStackIsTheAWSStack: what the emulator tests apply is, byte for byte, the stack AWS gets, plus one
// override per stack that sends every service to the emulator and keeps the state apart; and a copy emulated
// makes is what synthesizing with LITELLM_AWS_ENDPOINT writes.
func TestEmulatedStackIsTheAWSStack(t *testing.T) {
	const endpoint = "http://127.0.0.1:41234"
	direct := filepath.Join(t.TempDir(), "cdktf.out")
	jsiiMu.Lock()
	err := synthesizeInto(direct, endpoint, variants[redisAndScaling])
	jsiiMu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	aws := filepath.Join(presynthesized, redisAndScaling)
	overrides := 0
	err = filepath.WalkDir(direct, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(direct, path)
		got, _ := os.ReadFile(path)
		if filepath.Base(path) == localaws.OverrideFile {
			overrides++
			stack := filepath.Base(filepath.Dir(path))
			if want, _ := json.Marshal(localaws.Override(stack, endpoint)); !jsonEqual(t, got, want) {
				t.Errorf("%s = %s, want %s", rel, got, want)
			}
			if !bytes.Contains(got, []byte(`"../../../terraform.`+stack+`.emulator.tfstate"`)) || bytes.Count(got, []byte(endpoint)) < len(localaws.EndpointKeys()) {
				t.Errorf("%s does not keep the state apart or send every service to %s: %s", rel, endpoint, got)
			}
			return nil
		}
		want, err := os.ReadFile(filepath.Join(aws, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: the emulated stack differs from the AWS one (%v)", rel, err)
		}
		if bytes.Contains(got, []byte(endpoint)) {
			t.Errorf("%s names the emulator: the stack must not", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if overrides != len(stacks.All()) {
		t.Errorf("%d overrides, want one per stack (%d)", overrides, len(stacks.All()))
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// pointAt sends a Terraform's calls to the emulator, with its fake credentials.
func pointAt(tf *tftest.Terraform, srv *emulator.Server) *tftest.Terraform {
	return &tftest.Terraform{Bin: tf.Bin, Env: append(tf.EnvWithout("AWS_"), srv.Env()...)}
}

// awsQuery asks the emulator through the aws CLI and decodes the JSON answer. The endpoint goes on the
// command line: the CLI ignores AWS_ENDPOINT_URL for some services.
func awsQuery(t *testing.T, srv *emulator.Server, args ...string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", append([]string{"--endpoint-url", srv.Endpoint, "--region", emulator.Region, "--output", "json"}, args...)...)
	cmd.Env = srv.Environ()
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("aws %s printed %q: %v", strings.Join(args, " "), out, err)
	}
	return v
}

func list(v map[string]any, key string) []any { l, _ := v[key].([]any); return l }

// stackFootprint counts what the emulator holds of one stack, by the seed's names.
type footprint struct {
	clusters, services, targetGroups, databases, secrets, vpcs int
	desiredCount                                               float64
	targetPort                                                 float64
	healthPath                                                 string
}

func footprintOf(t *testing.T, srv *emulator.Server, stack string) footprint {
	t.Helper()
	var f footprint
	for _, c := range list(awsQuery(t, srv, "ecs", "describe-clusters", "--clusters", stack+"-LiteLLM-Cluster"), "clusters") {
		if c.(map[string]any)["status"] == "ACTIVE" {
			f.clusters++
		}
	}
	if f.clusters > 0 {
		for _, s := range list(awsQuery(t, srv, "ecs", "describe-services", "--cluster", stack+"-LiteLLM-Cluster", "--services", stack+"-litellm-service"), "services") {
			svc := s.(map[string]any)
			if svc["status"] == "ACTIVE" {
				f.services++
				f.desiredCount, _ = svc["desiredCount"].(float64)
			}
		}
	}
	for _, g := range list(awsQuery(t, srv, "elbv2", "describe-target-groups"), "TargetGroups") {
		tg := g.(map[string]any)
		if tg["TargetGroupName"] == stack+"-tg" {
			f.targetGroups++
			f.targetPort, _ = tg["Port"].(float64)
			f.healthPath, _ = tg["HealthCheckPath"].(string)
		}
	}
	for _, d := range list(awsQuery(t, srv, "rds", "describe-db-instances"), "DBInstances") {
		if d.(map[string]any)["DBInstanceIdentifier"] == stack+"-litellm-db" {
			f.databases++
		}
	}
	for _, s := range list(awsQuery(t, srv, "secretsmanager", "list-secrets"), "SecretList") {
		if name, _ := s.(map[string]any)["Name"].(string); strings.HasPrefix(name, stack+"-") {
			f.secrets++
		}
	}
	f.vpcs = len(list(awsQuery(t, srv, "ec2", "describe-vpcs", "--filters", "Name=tag:Stack,Values="+stack), "Vpcs"))
	return f
}

// Types that hold someone's data: an upgrade may change them in place, never replace or destroy them.
var statefulTypes = []string{"aws_db_instance", "aws_s3_bucket", "aws_secretsmanager_secret", "aws_cloudwatch_log_group", "aws_kms_key"}

// lifecycleCase is one profile's way through TestUpgradeRotateDestroy.
type lifecycleCase struct {
	name, dir, stack string
	baseline         string // testdata/baseline-f40f5be/<baseline>.json
	tasks            float64
	extra            []string // variables both the baseline and the current stack need
	secrets          []string // the stack's secrets, by name suffix
	inState          []string // secrets whose value the state holds (provider limits), by name suffix
	rotateDB         bool
	failMigration    bool
	// keepAndRestore tears the stack down keeping its data and deploys it again from the final snapshot before
	// throwing it away; the others throw it away at once.
	keepAndRestore bool
}

// TestUpgradeRotateDestroy takes every profile through a user's life in the emulator:
//  1. apply the stack as commit f40f5be synthesized it (testdata/baseline-f40f5be): what users have deployed;
//  2. plan today's stack on top: nothing that holds data (database, bucket, secret, log group, key) is replaced
//     or destroyed;
//  3. apply it with no secret given: the migration task runs first; the seed's names are there; every secret is
//     in Secrets Manager and in neither the state, a saved plan nor `terraform show -json`;
//  4. re-plan empty; rotate the master key (and, for one profile, the database password): values change, tasks
//     roll, re-plan empty; for one profile, a migration that fails stops the apply and leaves the service as it
//     was, and the next apply recovers;
//  5. a destroy is refused before it deletes or schedules anything; for one profile, ./help teardown keeps a
//     final snapshot, the salt key and the KMS key and nothing else, and a deploy from the snapshot brings the
//     stack back with the same salt key; ./help teardown --discard-data leaves nothing.
//
// Every apply runs with the defaults users get: deletion protection on.
func TestUpgradeRotateDestroy(t *testing.T) {
	t.Parallel()
	srv := emulator.Start(t)
	tf := pointAt(tftest.Setup(t), srv)
	plain := emulated(t, srv, plainStacks)
	withOptions := emulated(t, srv, redisAndScaling)
	for _, tc := range []lifecycleCase{
		// Redis by default, its token generated: the upgrade from f40f5be (no Redis) adds it.
		// ElastiCache's auth_token has no write-only form in the AWS provider (5.100): see the README.
		{name: "litellm-two-instance", dir: plain, stack: "litellm-two-instance", baseline: "litellm-two-instance", tasks: 2,
			secrets: []string{"master-key", "salt-key", "database-url", "redis-auth-token"}, inState: []string{"redis-auth-token"}, failMigration: true},
		{name: "litellm-eight-instance", dir: plain, stack: "litellm-eight-instance", baseline: "litellm-eight-instance", tasks: 8,
			secrets: []string{"master-key", "salt-key", "database-url", "redis-auth-token"}, inState: []string{"redis-auth-token"},
			rotateDB: true, keepAndRestore: true},
		// Redis switched on, with a token given.
		{name: "litellm-benchmark with Redis and autoscaling", dir: withOptions, stack: "litellm-benchmark",
			baseline: "litellm-benchmark-redis-autoscaling", tasks: 4, extra: []string{"-var", "redis_auth_token=" + goodRedisToken},
			secrets: []string{"master-key", "salt-key", "database-url", "redis-auth-token"}, inState: []string{"redis-auth-token"}},
	} {
		tc := tc
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // the stacks share nothing but the emulator
			lifecycle(t, srv, tf, tc)
		})
	}
}

func lifecycle(t *testing.T, srv *emulator.Server, tf *tftest.Terraform, tc lifecycleCase) {
	d := filepath.Join(tc.dir, tc.stack)
	current, err := os.ReadFile(filepath.Join(d, "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	base := tc.extra

	// 1. The baseline, with the emulator's provider settings and today's state file.
	useBaseline(t, d, tc.baseline, current)
	tf.Must(t, d, 5*time.Minute, "init", "-input=false")
	tf.Must(t, d, 20*time.Minute, append([]string{"apply", "-input=false", "-auto-approve",
		"-var", "master_key=" + goodMasterKey, "-var", "db_password=" + goodDBPassword}, base...)...)

	// 2. Today's stack on top: nothing stateful replaced.
	writeFile(t, filepath.Join(d, "cdk.tf.json"), current)
	os.Remove(filepath.Join(d, baselineOverride))
	tf.Must(t, d, 5*time.Minute, "init", "-input=false")
	tf.Must(t, d, 10*time.Minute, append([]string{"plan", "-input=false", "-out=upgrade.tfplan"}, base...)...)
	upgrade := tf.Must(t, d, 5*time.Minute, "show", "-json", "upgrade.tfplan")
	for _, rc := range planChanges(t, upgrade) {
		if slices.Contains(statefulTypes, rc.Type) && slices.Contains(rc.Change.Actions, "delete") {
			t.Errorf("upgrading from f40f5be would %v %s: it holds data (use a moved block)", rc.Change.Actions, rc.Address)
		}
	}

	// 3. Apply with no secret given.
	applied := tf.Must(t, d, 20*time.Minute, "apply", "-input=false", "upgrade.tfplan")
	url := strings.TrimSpace(tf.Must(t, d, time.Minute, "output", "-raw", "load_balancer_url"))
	api := strings.TrimSpace(tf.Must(t, d, time.Minute, "output", "-raw", "api_endpoint"))
	if !regexp.MustCompile(`^http://\S+$`).MatchString(url) || api != url+"/v1" {
		t.Errorf("load_balancer_url = %q, api_endpoint = %q", url, api)
	}
	got := footprintOf(t, srv, tc.stack)
	want := footprint{clusters: 1, services: 1, targetGroups: 1, databases: 1, secrets: len(tc.secrets), vpcs: 1,
		desiredCount: tc.tasks, targetPort: 4000, healthPath: "/health/readiness"}
	if got != want {
		t.Errorf("in the emulator after the upgrade: %+v\nwant %+v", got, want)
	}
	cluster := tc.stack + "-LiteLLM-Cluster"
	migrations := list(awsQuery(t, srv, "ecs", "list-tasks", "--cluster", cluster, "--started-by", proxyservice.MigrationStartedBy,
		"--desired-status", "STOPPED"), "taskArns")
	if len(migrations) != 1 {
		t.Errorf("%d migration tasks ran, want 1", len(migrations))
	}
	values := secretValues(t, srv, tc.stack, tc.secrets)
	if !strings.HasPrefix(values["master-key"], "sk-") || len(values["master-key"]) < 40 || values["master-key"] == goodMasterKey {
		t.Errorf("the master key is not a new generated sk- key: %d characters", len(values["master-key"]))
	}
	if !strings.HasSuffix(values["database-url"], "?sslmode=require") {
		t.Errorf("DATABASE_URL does not require TLS")
	}
	givenToken := slices.Contains(tc.extra, "redis_auth_token="+goodRedisToken)
	if token, redis := values["redis-auth-token"]; redis && givenToken != (token == goodRedisToken) {
		t.Errorf("redis_auth_token given: %v, but the secret holds it: %v", givenToken, token == goodRedisToken)
	} else if redis && !givenToken && !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(token) {
		t.Errorf("the generated Redis token is not 64 hex characters: %d characters", len(token))
	}
	for name, v := range values {
		if v != "" && strings.Contains(applied, v) {
			t.Errorf("the apply printed the %s", name)
		}
	}
	// 4. Re-plan: empty, and no secret in it; rotate.
	replanEmpty(t, tf, d, base)
	assertNoSecrets(t, tf, d, tc, values)
	rotate := append([]string{"-var", "master_key_version=2"}, base...)
	if tc.rotateDB {
		rotate = append(rotate, "-var", "db_password_version=2")
	}
	out := tf.Must(t, d, 20*time.Minute, append([]string{"apply", "-input=false", "-auto-approve"}, rotate...)...)
	rotated := secretValues(t, srv, tc.stack, tc.secrets)
	if rotated["master-key"] == values["master-key"] || !strings.HasPrefix(rotated["master-key"], "sk-") {
		t.Errorf("master_key_version=2 did not write a new master key")
	}
	if tc.rotateDB == (rotated["database-url"] == values["database-url"]) {
		t.Errorf("db_password_version rotated: %v, but the URL changed: %v", tc.rotateDB, rotated["database-url"] != values["database-url"])
	}
	if rotated["salt-key"] != values["salt-key"] {
		t.Errorf("the salt key changed on a rotation: it must never change")
	}
	if rotated["redis-auth-token"] != values["redis-auth-token"] {
		t.Errorf("the Redis token changed on another apply: it is generated once")
	}
	if !regexp.MustCompile(`aws_ecs_service\.proxy_service_\w+: Modifications complete`).MatchString(out) {
		t.Errorf("the rotation did not roll the service's tasks:\n%s", tailOf(out))
	}
	replanEmpty(t, tf, d, rotate)
	assertNoSecrets(t, tf, d, tc, rotated)
	if slices.Contains(tc.secrets, "redis-auth-token") {
		tokenSwitch(t, tf, d, rotate)
	}

	last := rotate
	if tc.failMigration {
		last = failedMigration(t, srv, tf, d, tc.stack, rotate)
	}

	// 5. Teardown.
	refusedDestroy(t, srv, tf, d, tc, last)
	if tc.keepAndRestore {
		keepAndRestore(t, srv, tf, d, tc, last, rotated["salt-key"])
	}
	teardown(t, srv, tf, d, tc.stack, "discard", last)
	if left := footprintOf(t, srv, tc.stack); left != (footprint{}) {
		t.Errorf("in the emulator after the teardown with --discard-data: %+v, want nothing", left)
	}
	if state := stateList(t, tf, d); len(state) != 0 {
		t.Errorf("the state still holds %v after the teardown with --discard-data", state)
	}
}

// tokenSwitch plans the other way of getting the Redis token (the generated one when vars give one, a given one
// when not): the token changes in place. The replication group is updated (auth_token_update_strategy is the
// provider's default, ROTATE: the old token keeps working for the tasks already running), nothing else changes
// but the secret's value, and nothing is replaced. Planned only: moto has no ModifyReplicationGroup.
func tokenSwitch(t *testing.T, tf *tftest.Terraform, d string, vars []string) {
	t.Helper()
	var other []string
	for i := 0; i < len(vars); i++ {
		if vars[i] == "-var" && i+1 < len(vars) && strings.HasPrefix(vars[i+1], "redis_auth_token=") {
			i++
			continue
		}
		other = append(other, vars[i])
	}
	if len(other) == len(vars) {
		other = append(other, "-var", "redis_auth_token="+goodRedisToken)
	}
	tf.Must(t, d, 10*time.Minute, append([]string{"plan", "-input=false", "-out=switch.tfplan"}, other...)...)
	for _, rc := range planChanges(t, tf.Must(t, d, 5*time.Minute, "show", "-json", "switch.tfplan")) {
		got := strings.Join(rc.Change.Actions, ",")
		want := []string{"no-op"}
		switch {
		case rc.Type == "aws_elasticache_replication_group":
			want = []string{"update"}
		case rc.Type == "aws_secretsmanager_secret_version" && strings.Contains(rc.Address, "redis_auth-token"):
			// secret_string forces a new version of the same secret.
			want = []string{"update", "delete,create", "create,delete"}
		case rc.Mode == "data":
			continue
		}
		if !slices.Contains(want, got) {
			t.Errorf("switching redis_auth_token between given and generated plans %s for %s, want %s", got, rc.Address, strings.Join(want, " or "))
		}
	}
}

// refusedDestroy: `terraform destroy` of a protected stack fails before it deletes or schedules anything, and
// names the teardown.
func refusedDestroy(t *testing.T, srv *emulator.Server, tf *tftest.Terraform, d string, tc lifecycleCase, vars []string) {
	t.Helper()
	before := footprintOf(t, srv, tc.stack)
	r := tf.Run(t, d, 20*time.Minute, append([]string{"destroy", "-input=false", "-auto-approve"}, vars...)...)
	if r.Code == 0 {
		t.Fatalf("terraform destroy of a protected stack succeeded")
	}
	flat := strings.Join(strings.Fields(r.Output), " ")
	for _, w := range []string{tc.stack + " is protected from deletion (deletion_protection = true): nothing was deleted",
		"./help teardown " + tc.stack, "./help teardown " + tc.stack + " --discard-data"} {
		if !strings.Contains(flat, w) {
			t.Errorf("the refused destroy does not say %q:\n%s", w, tailOf(r.Output))
		}
	}
	if destroyed := regexp.MustCompile(`(?m)^\S+: Destruction complete`).FindAllString(r.Output, -1); len(destroyed) > 0 {
		t.Errorf("the refused destroy deleted %v", destroyed)
	}
	if after := footprintOf(t, srv, tc.stack); after != before {
		t.Errorf("after the refused destroy: %+v, want %+v as before", after, before)
	}
	for _, s := range tc.secrets {
		if v := awsQuery(t, srv, "secretsmanager", "describe-secret", "--secret-id", tc.stack+"-"+s); v["DeletedDate"] != nil {
			t.Errorf("the refused destroy scheduled %s-%s for deletion", tc.stack, s)
		}
	}
	if state := keyState(t, srv, tc.stack); state != "Enabled" {
		t.Errorf("after the refused destroy the KMS key is %s, want Enabled", state)
	}
}

// keepAndRestore: the teardown leaves a uniquely named final snapshot, the salt key and the KMS key, and
// nothing else of the stack, in AWS or in the state; a deploy from the snapshot brings the stack back with the
// same salt key, and once the database exists, dropping db_snapshot_identifier plans no change.
func keepAndRestore(t *testing.T, srv *emulator.Server, tf *tftest.Terraform, d string, tc lifecycleCase, vars []string, salt string) {
	t.Helper()
	out := teardown(t, srv, tf, d, tc.stack, "keep", vars)
	snapshots := finalSnapshots(t, srv, tc.stack)
	if len(snapshots) != 1 {
		t.Fatalf("final snapshots after the teardown: %v, want one named %s-litellm-db-final-<time>", snapshots, tc.stack)
	}
	snapshot := snapshots[0]
	for _, w := range []string{"Kept:", snapshot, tc.stack + "-salt-key", "alias/" + tc.stack, "a month",
		"./help deploy " + tc.stack + " --var db_snapshot_identifier=" + snapshot} {
		if !strings.Contains(out, w) {
			t.Errorf("the teardown does not say %q:\n%s", w, tailOf(out))
		}
	}
	got := footprintOf(t, srv, tc.stack)
	if want := (footprint{secrets: 1}); got != want {
		t.Errorf("in the emulator after the teardown: %+v, want only the salt key's secret", got)
	}
	if v := secretValues(t, srv, tc.stack, []string{"salt-key"}); v["salt-key"] != salt {
		t.Errorf("the teardown changed the salt key")
	}
	if state := keyState(t, srv, tc.stack); state != "Enabled" {
		t.Errorf("after the teardown the KMS key is %s, want Enabled", state)
	}
	var kinds []string
	for _, a := range stateList(t, tf, d) {
		kinds = append(kinds, strings.Split(a, ".")[0])
	}
	slices.Sort(kinds)
	if want := []string{"aws_kms_alias", "aws_kms_key", "aws_secretsmanager_secret", "aws_secretsmanager_secret_version"}; !slices.Equal(kinds, want) {
		t.Errorf("the state after the teardown holds %v, want %v", kinds, want)
	}

	restore := append([]string{"-var", "db_snapshot_identifier=" + snapshot}, vars...)
	tf.Must(t, d, 20*time.Minute, append([]string{"apply", "-input=false", "-auto-approve"}, restore...)...)
	if got := footprintOf(t, srv, tc.stack); got.databases != 1 || got.services != 1 || got.secrets != len(tc.secrets) {
		t.Errorf("in the emulator after the restore: %+v", got)
	}
	if v := secretValues(t, srv, tc.stack, []string{"salt-key"}); v["salt-key"] != salt {
		t.Errorf("the restored stack has another salt key: LiteLLM could not read the credentials in its database")
	}
	// Dropping the snapshot name afterwards must not replace the restored database.
	replanEmpty(t, tf, d, vars)
	// A second teardown takes a snapshot of a new name (no DBSnapshotAlreadyExists).
	teardown(t, srv, tf, d, tc.stack, "keep", vars)
	if again := finalSnapshots(t, srv, tc.stack); len(again) != 2 {
		t.Errorf("final snapshots after a second teardown: %v, want two", again)
	}
}

// teardown runs ./help teardown's work (scripts/verbs/teardown.sh, teardown_stack) on the stack folder d.
func teardown(t *testing.T, srv *emulator.Server, tf *tftest.Terraform, d, stack, mode string, vars []string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	root := tftest.Root(t)
	script := `set -euo pipefail; source scripts/lib.sh; for f in scripts/verbs/*.sh; do source "$f"; done; teardown_stack "$@"`
	cmd := exec.CommandContext(ctx, "bash", append([]string{"-c", script, "teardown", d, stack, mode}, vars...)...)
	cmd.Dir = root
	cmd.Env = append(pointAt(tf, srv).Env, "TERRAFORM="+tf.Bin, "ROOT="+root)
	// On a timeout the whole process group goes (terraform too, not only bash), and the output is not waited for.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Minute
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("teardown %s %s: %v\n%s", stack, mode, err, tailOf(string(out)))
	}
	return string(out)
}

// stateList is the stack's resources in its state, less data sources.
func stateList(t *testing.T, tf *tftest.Terraform, d string) []string {
	t.Helper()
	var out []string
	for _, a := range strings.Fields(tf.Must(t, d, 5*time.Minute, "state", "list")) {
		if !strings.HasPrefix(a, "data.") {
			out = append(out, a)
		}
	}
	return out
}

// finalSnapshots are the manual snapshots named as teardowns name them.
func finalSnapshots(t *testing.T, srv *emulator.Server, stack string) []string {
	t.Helper()
	var out []string
	for _, s := range list(awsQuery(t, srv, "rds", "describe-db-snapshots", "--snapshot-type", "manual"), "DBSnapshots") {
		id, _ := s.(map[string]any)["DBSnapshotIdentifier"].(string)
		if regexp.MustCompile(`^` + stack + `-litellm-db-final-\d{8}-\d{6}$`).MatchString(id) {
			out = append(out, id)
		}
	}
	return out
}

// keyState is the KeyState of the stack's KMS key (alias/<stack>).
func keyState(t *testing.T, srv *emulator.Server, stack string) string {
	t.Helper()
	meta, _ := awsQuery(t, srv, "kms", "describe-key", "--key-id", "alias/"+stack)["KeyMetadata"].(map[string]any)
	state, _ := meta["KeyState"].(string)
	return state
}

// failedMigration: a new image whose migration fails stops the apply with the exit code, the reason and the
// log stream to read, and the service keeps its task definition; once the migration passes, the next apply
// rolls the service. It returns the variables the stack was last applied with.
//
// The image is the oldest release the image rule accepts (proxyservice.MinImageVersion), and the migration
// exits as LiteLLM's does there: 1 after its retries ("Database setup failed after multiple retries", PR
// #44205; from 1.105.0 also 2 for an unrecoverable one). Releases that print "continuing startup" and exit 0
// on a failed migration are older, and refused at plan time (TestTerraformRejectsBadInput), so the exit code
// the migration script trusts is right for every image that can be deployed.
func failedMigration(t *testing.T, srv *emulator.Server, tf *tftest.Terraform, d, stack string, vars []string) []string {
	t.Helper()
	service := func() string {
		s := list(awsQuery(t, srv, "ecs", "describe-services", "--cluster", stack+"-LiteLLM-Cluster", "--services", stack+"-litellm-service"), "services")
		return s[0].(map[string]any)["taskDefinition"].(string)
	}
	before := service()
	family := stack + "-litellm-migrate"
	code := 1
	if err := srv.SetTaskOutcome(family, &code, "Essential container in task exited"); err != nil {
		t.Fatal(err)
	}
	upgrade := append([]string{"-var", "litellm_image=ghcr.io/berriai/litellm-database:v" + proxyservice.MinImageVersion}, vars...)
	r := tf.Run(t, d, 10*time.Minute, append([]string{"apply", "-input=false", "-auto-approve"}, upgrade...)...)
	if r.Code == 0 {
		t.Fatalf("the apply succeeded although the migration exited 1")
	}
	flat := strings.Join(strings.Fields(r.Output), " ")
	for _, w := range []string{"LiteLLM's database migration failed", "exited with code 1 (Essential container in task exited)",
		"aws logs tail /ecs/" + stack + "-litellm --log-stream-names migrate/migrate/", "the service was not changed"} {
		if !strings.Contains(flat, w) {
			t.Errorf("the failed apply does not say %q:\n%s", w, tailOf(r.Output))
		}
	}
	if after := service(); after != before {
		t.Errorf("the service moved to %s although the migration failed (was %s)", after, before)
	}
	if err := srv.ResetTaskOutcome(family); err != nil {
		t.Fatal(err)
	}
	tf.Must(t, d, 10*time.Minute, append([]string{"apply", "-input=false", "-auto-approve"}, upgrade...)...)
	if after := service(); after == before {
		t.Errorf("the service still runs %s after the migration passed", after)
	}
	replanEmpty(t, tf, d, upgrade)
	return upgrade
}

// baselineOverride carries the emulator's provider settings and the state file of today's synthesized stack
// over to the baseline, so the two are applied to the same place.
const baselineOverride = "zz_baseline_override.tf.json"

func useBaseline(t *testing.T, d, baseline string, current []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "baseline-f40f5be", baseline+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var cur map[string]any
	if err := json.Unmarshal(current, &cur); err != nil {
		t.Fatal(err)
	}
	override, _ := json.Marshal(map[string]any{
		"provider":  cur["provider"],
		"terraform": map[string]any{"backend": cur["terraform"].(map[string]any)["backend"]},
	})
	writeFile(t, filepath.Join(d, "cdk.tf.json"), raw)
	writeFile(t, filepath.Join(d, baselineOverride), override)
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

type resourceChange struct {
	Address string
	Mode    string
	Type    string
	Change  struct {
		Actions []string
		After   map[string]any
	}
}

func planChanges(t *testing.T, shown string) []resourceChange {
	t.Helper()
	var plan struct {
		ResourceChanges []resourceChange `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(shown), &plan); err != nil {
		t.Fatal(err)
	}
	return plan.ResourceChanges
}

// replanEmpty plans again after an apply and requires no change; the plan is saved as saved.tfplan, which
// assertNoSecrets then searches.
func replanEmpty(t *testing.T, tf *tftest.Terraform, d string, vars []string) {
	t.Helper()
	r := tf.Run(t, d, 10*time.Minute, append([]string{"plan", "-input=false", "-detailed-exitcode", "-out=saved.tfplan"}, vars...)...)
	if r.Code != 0 {
		t.Errorf("re-plan after apply is not empty (exit %d):\n%s", r.Code, tailOf(r.Output))
	}
}

// secretValues reads the stack's secrets back from the emulator, by name suffix.
func secretValues(t *testing.T, srv *emulator.Server, stack string, suffixes []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, s := range suffixes {
		v, _ := awsQuery(t, srv, "secretsmanager", "get-secret-value", "--secret-id", stack+"-"+s)["SecretString"].(string)
		if v == "" {
			t.Errorf("secret %s-%s has no value", stack, s)
		}
		out[s] = v
	}
	if u, err := url.Parse(out["database-url"]); err == nil && u.User != nil {
		out["database password"], _ = u.User.Password()
	}
	return out
}

// assertNoSecrets: no secret value is in the state file, the plan replanEmpty saved, `terraform show -json`
// of either, or `terraform output`; those in tc.inState (the state holds them, so a plan and show do too) are
// in no output. It runs after replanEmpty, so the saved plan is one made with vars on the applied stack.
func assertNoSecrets(t *testing.T, tf *tftest.Terraform, d string, tc lifecycleCase, values map[string]string) {
	t.Helper()
	state, err := os.ReadFile(filepath.Join(d, "..", "..", "..", "terraform."+tc.stack+".emulator.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(filepath.Join(d, "saved.tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	// The three read-only commands each load the provider's schema: they run side by side.
	commands := map[string][]string{
		"terraform show -json (plan)": {"show", "-json", "saved.tfplan"},
		"terraform show -json":        {"show", "-json"},
		"terraform output":            {"output"},
	}
	places := map[string]string{"the state file": string(state), "a saved plan": string(unzipAll(t, saved))}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for where, args := range commands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := tf.Run(t, d, 5*time.Minute, args...)
			mu.Lock()
			defer mu.Unlock()
			if r.Code != 0 {
				t.Errorf("terraform %s exited %d:\n%s", strings.Join(args, " "), r.Code, tailOf(r.Output))
			}
			places[where] = r.Output
		}()
	}
	wg.Wait()
	for name, v := range values {
		if v == "" {
			continue
		}
		for where, text := range places {
			if slices.Contains(tc.inState, name) && where != "terraform output" {
				continue
			}
			if strings.Contains(text, v) {
				t.Errorf("the %s is in %s", name, where)
			}
		}
	}
}

// unzipAll returns every file of a saved plan (a zip archive) concatenated.
func unzipAll(t *testing.T, b []byte) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("a saved plan is a zip archive: %v", err)
	}
	var all []byte
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		c, _ := io.ReadAll(r)
		r.Close()
		all = append(all, c...)
	}
	return all
}

// TestCdktfDeployDestroy goes the user's way: the real cdktf CLI deploys litellm-benchmark into the
// emulator, prints its outputs and destroys it.
func TestCdktfDeployDestroy(t *testing.T) {
	t.Parallel()
	srv := emulator.Start(t)
	root := tftest.Root(t)
	cdktfBin := tftest.CdktfCLI(t)
	out := filepath.Join(t.TempDir(), "cdktf.out")
	run := func(timeout time.Duration, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, cdktfBin, args...)
		cmd.Dir = root
		cmd.Env = append(tftest.Setup(t).EnvWithout("AWS_"), append(srv.Env(), "LITELLM_AWS_ENDPOINT="+srv.Endpoint)...)
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("cdktf %s: %v\n%s", strings.Join(args, " "), err, tailOf(string(b)))
		}
		return string(b)
	}
	// No secret given: they are generated inside AWS.
	secrets := []string{"--var", "deletion_protection=false"}

	// As ./help deploy does: synthesize and init first, so cdktf finds a provider lock file written from the
	// local mirror and does not ask the (unreachable) registry for one.
	run(20*time.Minute, "synth", "--output", out) // compiles main.go and runs jsii: slow on a busy machine
	tf := pointAt(tftest.Setup(t), srv)
	tf.Must(t, filepath.Join(out, "stacks", "litellm-benchmark"), 5*time.Minute, "init", "-input=false")
	run(25*time.Minute, append([]string{"deploy", "litellm-benchmark", "--skip-synth", "--auto-approve", "--output", out}, secrets...)...)
	outputs := run(5*time.Minute, "output", "litellm-benchmark", "--skip-synth", "--output", out)
	for _, want := range []string{"load_balancer_url", "api_endpoint", "cluster_name", "litellm-benchmark-LiteLLM-Cluster", "master_key_secret_name"} {
		if !strings.Contains(outputs, want) {
			t.Errorf("cdktf output lacks %q:\n%s", want, outputs)
		}
	}
	for name, v := range secretValues(t, srv, "litellm-benchmark", []string{"master-key", "salt-key", "database-url"}) {
		if strings.Contains(outputs, v) {
			t.Errorf("cdktf output shows the %s", name)
		}
	}
	got := footprintOf(t, srv, "litellm-benchmark")
	if got.clusters != 1 || got.services != 1 || got.desiredCount != 4 || got.databases != 1 || got.secrets != 3 {
		t.Errorf("in the emulator after cdktf deploy: %+v", got)
	}
	run(25*time.Minute, append([]string{"destroy", "litellm-benchmark", "--skip-synth", "--auto-approve", "--output", out}, secrets...)...)
	if left := footprintOf(t, srv, "litellm-benchmark"); left != (footprint{}) {
		t.Errorf("in the emulator after cdktf destroy: %+v, want nothing", left)
	}
}
