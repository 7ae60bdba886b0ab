package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"litellm-aws/internal/localaws"
)

// TestApplyReplanDestroy proves emulator/server.py: testdata/gaps.tf.json holds resources that hit each gap it
// fills in moto, and Terraform must apply them, find nothing to change on a second plan, and destroy them, after
// which the emulator's own API must show nothing left. The same probes must first see every resource after
// apply, so an API call that silently answers nothing cannot pass for a clean destroy.
//
// Most of the run is the provider's fixed waits (RDS polls first after 60 s on create and delete, ElastiCache
// after 30 s) and Terraform loading the 700 MB provider once per step.
func TestApplyReplanDestroy(t *testing.T) {
	terraform := terraformBinary(t)
	srv := Start(t)

	dir := t.TempDir()
	config, err := os.ReadFile(filepath.Join("testdata", "gaps.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gaps.tf.json"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	checkConfigEndpoints(t, config)

	env := append(srv.Environ(),
		"TF_VAR_endpoint="+srv.Endpoint,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
	)
	env = append(env, cliConfigEnv(t)...)
	tf := func(args ...string) (string, int) {
		t.Helper()
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, terraform, append(args, "-no-color")...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		t.Logf("terraform %s: %s", args[0], time.Since(start).Round(time.Second))
		var exit *exec.ExitError
		switch {
		case err == nil:
			return string(out), 0
		case errors.As(err, &exit) && ctx.Err() == nil:
			return string(out), exit.ExitCode()
		default:
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
			return "", -1
		}
	}
	mustTF := func(args ...string) string {
		t.Helper()
		out, code := tf(args...)
		if code != 0 {
			t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), code, out)
		}
		return out
	}

	mustTF("init", "-input=false")

	// The schema takes a few CPU-seconds to dump; it runs while apply mostly waits on the provider's waiters.
	schemaCtx, stopSchema := context.WithCancel(context.Background())
	schemaDone := make(chan struct{})
	var schema []byte
	var schemaErr error
	go func() {
		defer close(schemaDone)
		cmd := exec.CommandContext(schemaCtx, terraform, "providers", "schema", "-json")
		cmd.Dir = dir
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if schema, schemaErr = cmd.Output(); schemaErr != nil {
			schemaErr = fmt.Errorf("terraform providers schema -json: %v\n%s", schemaErr, stderr.Bytes())
		}
	}()
	// After an early failure it must end before the work directory is removed.
	t.Cleanup(func() {
		stopSchema()
		<-schemaDone
	})

	out := mustTF("apply", "-auto-approve", "-input=false")
	if strings.Contains(out, "Invalid Attribute Combination") {
		t.Errorf("the provider warns about the endpoints block (an alias set next to its name?):\n%s", out)
	}

	api := newAPIClient(srv.Endpoint)
	if _, missing := api.survey(t); len(missing) > 0 {
		t.Fatalf("after apply the emulator does not show: %s", strings.Join(missing, "; "))
	}
	api.checkPatchedBehaviour(t)

	if out, code := tf("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("re-plan after apply must find no changes, exit code %d:\n%s", code, out)
	}

	mustTF("destroy", "-auto-approve", "-input=false")
	if left, _ := api.survey(t); len(left) > 0 {
		t.Errorf("after destroy the emulator still holds: %s", strings.Join(left, "; "))
	}

	<-schemaDone
	if schemaErr != nil {
		t.Fatalf("cannot check the endpoint keys: %v", schemaErr)
	}
	checkSchemaEndpoints(t, schema)
}

// terraformBinary is $TERRAFORM (what ./help exports) or terraform on PATH.
func terraformBinary(t *testing.T) string {
	if p := os.Getenv("TERRAFORM"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform is not on PATH and TERRAFORM is not set: run the tests through `./help test`, " +
			"which installs Terraform, or install Terraform 1.5 or newer")
	}
	return p
}

// cliConfigEnv keeps a working TF_CLI_CONFIG_FILE (./help points it at the provider mirror). Otherwise it writes
// one that installs hashicorp/aws from a filesystem mirror on this machine, so init needs no network; with no
// mirror, init downloads the provider from the registry.
func cliConfigEnv(t *testing.T) []string {
	if p := os.Getenv("TF_CLI_CONFIG_FILE"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return nil
		}
	}
	mirror := providerMirror()
	if mirror == "" {
		t.Log("no filesystem mirror of hashicorp/aws found: terraform init downloads it from the registry")
		return []string{"TF_CLI_CONFIG_FILE=" + os.DevNull}
	}
	config := fmt.Sprintf(`disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`, mirror)
	p := filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(p, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"TF_CLI_CONFIG_FILE=" + p}
}

// providerMirror returns the first directory laid out as <dir>/registry.terraform.io/hashicorp/aws/<version>/
// <os_arch>/terraform-provider-aws_*, looking where ./help and Terraform put mirrors.
func providerMirror() string {
	home, _ := os.UserHomeDir()
	cache := os.Getenv("LITELLM_AWS_CACHE")
	if cache == "" {
		if dir, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(dir, "litellm-aws")
		}
	}
	for _, root := range []string{
		os.Getenv("LITELLM_AWS_PROVIDER_MIRROR"),
		"/opt/tf-plugins",
		filepath.Join(cache, "provider-mirror"),
		filepath.Join(home, ".terraform.d", "plugins"),
		filepath.Join(home, ".local", "share", "terraform", "plugins"),
		"/usr/local/share/terraform/plugins",
		"/usr/share/terraform/plugins",
	} {
		if root == "" {
			continue
		}
		found, _ := filepath.Glob(filepath.Join(root, "registry.terraform.io", "hashicorp", "aws", "*", "*", "terraform-provider-aws_*"))
		if len(found) > 0 {
			return root
		}
	}
	return ""
}

// checkConfigEndpoints: the hand-written provider block must list exactly ProviderEndpoints' keys, so the test
// exercises the list other packages use.
func checkConfigEndpoints(t *testing.T, config []byte) {
	var doc struct {
		Provider struct {
			AWS []struct {
				Endpoints []map[string]string `json:"endpoints"`
			} `json:"aws"`
		} `json:"provider"`
	}
	if err := json.Unmarshal(config, &doc); err != nil {
		t.Fatalf("testdata/gaps.tf.json: %v", err)
	}
	if len(doc.Provider.AWS) != 1 || len(doc.Provider.AWS[0].Endpoints) != 1 {
		t.Fatal("testdata/gaps.tf.json: want one aws provider with one endpoints block")
	}
	var keys []string
	for k := range doc.Provider.AWS[0].Endpoints[0] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := localaws.EndpointKeys(); strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("testdata/gaps.tf.json endpoints are %v, ProviderEndpoints sets %v", keys, want)
	}
}

// checkSchemaEndpoints: every key ProviderEndpoints sets must exist in the installed provider's endpoints block.
func checkSchemaEndpoints(t *testing.T, schemaJSON []byte) {
	var doc struct {
		ProviderSchemas map[string]struct {
			Provider struct {
				Block struct {
					BlockTypes map[string]struct {
						Block struct {
							Attributes map[string]json.RawMessage `json:"attributes"`
						} `json:"block"`
					} `json:"block_types"`
				} `json:"block"`
			} `json:"provider"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(schemaJSON, &doc); err != nil {
		t.Errorf("provider schema: %v", err)
		return
	}
	attrs := doc.ProviderSchemas["registry.terraform.io/hashicorp/aws"].Provider.Block.BlockTypes["endpoints"].Block.Attributes
	if len(attrs) == 0 {
		t.Error("provider schema has no endpoints block for registry.terraform.io/hashicorp/aws")
		return
	}
	for _, k := range localaws.EndpointKeys() {
		if _, ok := attrs[k]; !ok {
			t.Errorf("ProviderEndpoints sets %q, which the installed hashicorp/aws provider does not know", k)
		}
	}
}

// Values the patches in emulator/server.py must produce, read straight from the emulator's API.
func (c *apiClient) checkPatchedBehaviour(t *testing.T) {
	t.Helper()
	// RDS: one DbiResourceId per instance.
	body, err := c.query("rds", "2014-10-31", "DescribeDBInstances", nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := regexp.MustCompile(`<DbiResourceId>([^<]+)</DbiResourceId>`).FindAllStringSubmatch(body, -1)
	if len(ids) != 2 || ids[0][1] == ids[1][1] {
		t.Errorf("want two distinct DbiResourceIds, got %v", ids)
	}

	// Application Auto Scaling: the target's tags from RegisterScalableTarget are listed.
	var targets struct {
		ScalableTargets []struct{ ScalableTargetARN string }
	}
	if err := c.jsonCall("application-autoscaling", "AnyScaleFrontendService.DescribeScalableTargets",
		map[string]any{"ServiceNamespace": "ecs"}, &targets); err != nil {
		t.Fatal(err)
	}
	if len(targets.ScalableTargets) != 1 {
		t.Fatalf("want one scalable target, got %+v", targets)
	}
	var tags struct{ Tags map[string]string }
	if err := c.jsonCall("application-autoscaling", "AnyScaleFrontendService.ListTagsForResource",
		map[string]any{"ResourceARN": targets.ScalableTargets[0].ScalableTargetARN}, &tags); err != nil {
		t.Fatal(err)
	}
	if tags.Tags["Name"] != "gaps-proxy" {
		t.Errorf("scalable target tags = %v, want Name=gaps-proxy", tags.Tags)
	}

	// ECS: availabilityZoneRebalancing is stored and returned.
	var services struct {
		Services []struct{ AvailabilityZoneRebalancing string }
	}
	if err := c.jsonCall("ecs", "AmazonEC2ContainerServiceV20141113.DescribeServices",
		map[string]any{"cluster": "gaps", "services": []string{"proxy"}}, &services); err != nil {
		t.Fatal(err)
	}
	if len(services.Services) != 1 || services.Services[0].AvailabilityZoneRebalancing == "" {
		t.Errorf("want availabilityZoneRebalancing on the ECS service, got %+v", services)
	}

	// ElastiCache: num_cache_clusters = 2 gives two member clusters, each with the security group.
	body, err = c.query("elasticache", "2015-02-02", "DescribeCacheClusters", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(body, "<SecurityGroupId>"); n != 2 {
		t.Errorf("want two member clusters with one security group each, got %d security groups:\n%s", n, body)
	}
}

// survey runs every probe and sorts what it looks for into found and missing.
func (c *apiClient) survey(t *testing.T) (found, missing []string) {
	t.Helper()
	for _, p := range probes {
		ok, err := p.find(c)
		var nf *notFoundError
		if errors.As(err, &nf) {
			ok, err = false, nil
		}
		switch {
		case err != nil:
			t.Errorf("probe %s: %v", p.name, err)
		case ok:
			found = append(found, p.name)
		default:
			missing = append(missing, p.name)
		}
	}
	return found, missing
}

type probe struct {
	name string
	find func(*apiClient) (bool, error)
}

// probes look for every resource testdata/gaps.tf.json creates that the provider waits on or that a patch
// touches, plus the network and IAM pieces around them.
var probes = []probe{
	{"RDS instance gaps-one", queryHas("rds", "2014-10-31", "DescribeDBInstances", "<DBInstanceIdentifier>gaps-one</DBInstanceIdentifier>")},
	{"RDS instance gaps-two", queryHas("rds", "2014-10-31", "DescribeDBInstances", "<DBInstanceIdentifier>gaps-two</DBInstanceIdentifier>")},
	{"ElastiCache replication group gaps-redis", queryHas("elasticache", "2015-02-02", "DescribeReplicationGroups", "<ReplicationGroupId>gaps-redis</ReplicationGroupId>")},
	{"ElastiCache cluster gaps-redis-001", queryHas("elasticache", "2015-02-02", "DescribeCacheClusters", "<CacheClusterId>gaps-redis-001</CacheClusterId>")},
	{"ElastiCache cluster gaps-redis-002", queryHas("elasticache", "2015-02-02", "DescribeCacheClusters", "<CacheClusterId>gaps-redis-002</CacheClusterId>")},
	{"ElastiCache parameter group gaps-redis7", queryHas("elasticache", "2015-02-02", "DescribeCacheParameterGroups", "<CacheParameterGroupName>gaps-redis7</CacheParameterGroupName>")},
	{"DB parameter group gaps-postgres16", queryHas("rds", "2014-10-31", "DescribeDBParameterGroups", "<DBParameterGroupName>gaps-postgres16</DBParameterGroupName>")},
	{"ElastiCache subnet group gaps-redis", queryHas("elasticache", "2015-02-02", "DescribeCacheSubnetGroups", "<CacheSubnetGroupName>gaps-redis</CacheSubnetGroupName>")},
	{"scalable target service/gaps/proxy", jsonHas("application-autoscaling", "AnyScaleFrontendService.DescribeScalableTargets", map[string]any{"ServiceNamespace": "ecs"}, `"service/gaps/proxy"`)},
	{"scaling policy gaps-cpu", jsonHas("application-autoscaling", "AnyScaleFrontendService.DescribeScalingPolicies", map[string]any{"ServiceNamespace": "ecs"}, `"gaps-cpu"`)},
	{"active ECS service proxy", ecsActive("DescribeServices", map[string]any{"cluster": "gaps", "services": []string{"proxy"}}, "services")},
	{"active ECS cluster gaps", ecsActive("DescribeClusters", map[string]any{"clusters": []string{"gaps"}}, "clusters")},
	{"S3 bucket gaps-config", restHas("s3", "/", "<Name>gaps-config</Name>")},
	{"IAM role gaps-task-execution", queryHas("iam", "2010-05-08", "ListRoles", "<RoleName>gaps-task-execution</RoleName>")},
	{"VPC 10.42.0.0/16", queryHas("ec2", "2016-11-15", "DescribeVpcs", "<cidrBlock>10.42.0.0/16</cidrBlock>")},
	{"security group gaps-data", queryHas("ec2", "2016-11-15", "DescribeSecurityGroups", "<groupName>gaps-data</groupName>")},
}

func queryHas(service, version, action, want string) func(*apiClient) (bool, error) {
	return func(c *apiClient) (bool, error) {
		body, err := c.query(service, version, action, nil)
		return strings.Contains(body, want), err
	}
}

func jsonHas(service, target string, input map[string]any, want string) func(*apiClient) (bool, error) {
	return func(c *apiClient) (bool, error) {
		var raw json.RawMessage
		err := c.jsonCall(service, target, input, &raw)
		return bytes.Contains(raw, []byte(want)), err
	}
}

func restHas(service, path, want string) func(*apiClient) (bool, error) {
	return func(c *apiClient) (bool, error) {
		body, err := c.rest(service, path)
		return strings.Contains(body, want), err
	}
}

// ecsActive: ECS keeps deleted clusters and services as INACTIVE for a while, as moto does; only ACTIVE counts.
func ecsActive(action string, input map[string]any, list string) func(*apiClient) (bool, error) {
	return func(c *apiClient) (bool, error) {
		var out map[string][]struct{ Status string }
		if err := c.jsonCall("ecs", "AmazonEC2ContainerServiceV20141113."+action, input, &out); err != nil {
			return false, err
		}
		for _, item := range out[list] {
			if item.Status == "ACTIVE" {
				return true, nil
			}
		}
		return false, nil
	}
}
