package main

import (
	"os"
	"sort"
	"strings"
	"testing"
)

// The reports under testdata/ are real scanner output over testdata/insecure/cdk.tf.json (a copy of
// policy/testdata/insecure), with file names made relative to this directory.

// summary renders findings as sorted "scanner severity rule resource stack" lines for comparison.
func summary(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, strings.Join([]string{f.Scanner, f.Severity.String(), f.Rule, f.Resource, f.Stack}, " "))
	}
	sort.Strings(out)
	return out
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestParseConftest(t *testing.T) {
	fs, err := parseConftest(readTestdata(t, "conftest.json"))
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, summary(fs), []string{
		"conftest HIGH DB_001 aws_db_instance.db insecure",
		"conftest HIGH DB_002 aws_db_instance.db insecure",
		"conftest HIGH IAM_001 aws_iam_role_policy.task insecure",
		"conftest HIGH NET_001 aws_vpc_security_group_ingress_rule.db_from_anywhere insecure",
		"conftest HIGH SEC_001 aws_ecs_task_definition.litellm insecure",
		"conftest HIGH TAG_001 provider.aws insecure",
		"conftest MEDIUM IAM_002 aws_iam_policy.opaque insecure",
	})
}

func TestParseConftestSeverityFromMetadata(t *testing.T) {
	report := `[{"filename": "s/cdk.tf.json", "namespace": "x",
		"warnings": [{"msg": "m", "metadata": {"rule": "R", "severity": "low"}}],
		"failures": [{"msg": "plain string rule"}]}]`
	fs, err := parseConftest([]byte(report))
	if err != nil {
		t.Fatal(err)
	}
	// A deny rule that returns a bare string has no rule id: its namespace stands in.
	equalLines(t, summary(fs), []string{"conftest HIGH x  s", "conftest LOW R  s"})
}

func TestParseTFLint(t *testing.T) {
	fs, err := parseTFLint(readTestdata(t, "tflint.json"))
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, summary(fs), []string{
		"tflint MEDIUM aws_db_instance_previous_type aws_db_instance.db insecure",
		"tflint MEDIUM terraform_required_version terraform insecure",
	})
}

func TestParseTFLintErrorsFailTheRead(t *testing.T) {
	_, err := parseTFLint(readTestdata(t, "tflint-error.json"))
	if err == nil || !strings.Contains(err.Error(), "tflint could not check the configuration") {
		t.Errorf("got %v, want an error saying tflint could not check the configuration", err)
	}
}

func TestParseKICS(t *testing.T) {
	fs, err := parseKICS(readTestdata(t, "kics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var serious []Finding
	bySeverity := map[Severity]int{}
	for _, f := range fs {
		bySeverity[f.Severity]++
		if f.Severity >= Medium {
			serious = append(serious, f)
		}
	}
	equalLines(t, summary(serious), []string{
		"kics CRITICAL 35113e6f-2c6b-414d-beec-7a9482d3b2d1 aws_db_instance.db insecure",
		"kics HIGH 08bd0760-8752-44e1-9779-7bb369b2b4e4 aws_db_instance.db insecure",
		"kics HIGH 381c3f2a-ef6f-4eff-99f7-b169cda3422c aws_vpc_security_group_ingress_rule.db_from_anywhere insecure",
		"kics HIGH 4728cd65-a20c-49da-8b31-9c08b423e4db aws_vpc_security_group_ingress_rule.db_from_anywhere insecure",
		"kics MEDIUM 1dc73fb4-5b51-430c-8c5f-25dcf9090b02 aws_db_instance.db insecure",
		"kics MEDIUM 88fd05e0-ac0e-43d2-ba6d-fc0ba60ae1a6 aws_db_instance.db insecure",
		"kics MEDIUM 8d7f7b8c-6c7c-40f8-baa6-62006c6c7b56 aws_db_instance.db insecure",
		"kics MEDIUM ba2ed23b-52d3-45ca-be25-f6c358d45abd aws_iam_role_policy.task insecure",
		"kics MEDIUM f83121ea-03da-434f-9277-9cd247ab3047 aws_vpc.vpc insecure",
		"kics MEDIUM fd632aaf-b8a1-424d-a4d1-0de22fd3247a aws_vpc.vpc insecure",
	})
	if bySeverity[Low] != 2 || bySeverity[Info] != 8 {
		t.Errorf("LOW %d, INFO %d; want 2 and 8 as in the report's severity_counters", bySeverity[Low], bySeverity[Info])
	}
}

func TestParseKICSResourceFromLine(t *testing.T) {
	// KICS's secret-pattern queries give no search key, only a line: here the password attribute of the
	// database in testdata/insecure/cdk.tf.json.
	report := `{"files_scanned": 1, "queries": [{"query_id": "c4d3b58a", "severity": "HIGH", "files": [
		{"file_name": "testdata/insecure/cdk.tf.json", "line": 59, "search_key": ""}]}]}`
	fs, err := parseKICS([]byte(report))
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, summary(fs), []string{"kics HIGH c4d3b58a aws_db_instance.db insecure"})
}

func TestParseKICSIncompleteScanFails(t *testing.T) {
	tests := map[string]string{
		"no files scanned":  `{"files_scanned": 0, "queries": []}`,
		"file failed":       `{"files_scanned": 3, "files_failed_to_scan": 1, "queries": []}`,
		"query failed":      `{"files_scanned": 3, "queries_failed_to_execute": 2, "queries": []}`,
		"not a KICS report": `{"queries": []}`,
		"unknown severity":  `{"files_scanned": 1, "queries": [{"query_id": "q", "severity": "SEVERE"}]}`,
	}
	for name, report := range tests {
		if _, err := parseKICS([]byte(report)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseRejectsOtherJSON(t *testing.T) {
	for name, parse := range map[string]func([]byte) ([]Finding, error){
		"kics": parseKICS, "tflint": parseTFLint, "conftest": parseConftest,
	} {
		if _, err := parse([]byte(`"not a report"`)); err == nil {
			t.Errorf("%s: parsed a JSON string as a report", name)
		}
	}
}

func TestKICSResource(t *testing.T) {
	tests := []struct {
		searchKey, resourceType, resourceName, want string
	}{
		{"aws_db_instance[db].storage_encrypted", "aws_db_instance", "insecure-db", "aws_db_instance.db"},
		{"resource.aws_s3_bucket[config]", "", "", "aws_s3_bucket.config"},
		{"data.aws_iam_policy_document[task].statement", "", "", "data.aws_iam_policy_document.task"},
		{"aws_security_group[{{db}}]", "aws_security_group", "insecure-db", "aws_security_group.db"},
		{"variable.{{db_password}}", "n/a", "n/a", "var.db_password"},
		{"variable.db_password.description", "", "", "var.db_password"},
		{"resource", "n/a", "n/a", ""},
		{"provider.aws", "aws_lb", "alb", "aws_lb.alb"},
	}
	for _, tt := range tests {
		if got := kicsResource(tt.searchKey, tt.resourceType, tt.resourceName); got != tt.want {
			t.Errorf("kicsResource(%q, %q, %q) = %q, want %q", tt.searchKey, tt.resourceType, tt.resourceName, got, tt.want)
		}
	}
}
