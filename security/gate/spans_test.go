package main

import (
	"os"
	"testing"
)

func TestAddressAt(t *testing.T) {
	src := []byte(`{
  "//": {"metadata": {"stackName": "s"}},
  "provider": {
    "aws": [
      {
        "region": "us-east-1"
      }
    ]
  },
  "data": {"aws_iam_policy_document": {"task": {
    "statement": [{"actions": ["s3:GetObject"]}]
  }}},
  "resource": {
    "aws_db_instance": {
      "db": {
        "engine": "postgres",
        "tags": {"Name": "db"}
      }
    },
    "aws_vpc": {"vpc": {"cidr_block": "10.0.0.0/16"}}
  },
  "terraform": {
    "required_providers": {"aws": {"source": "aws"}}
  },
  "variable": {
    "db_password": {
      "sensitive": true
    }
  }
}
`)
	spans, err := blockSpans(src)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line int
		want string
	}{
		{1, ""},
		{2, ""},
		{6, "provider.aws"},
		{11, "data.aws_iam_policy_document.task"},
		{16, "aws_db_instance.db"},
		{17, "aws_db_instance.db"}, // inside a nested object of the resource
		{20, "aws_vpc.vpc"},
		{23, "terraform"},
		{27, "var.db_password"},
		{99, ""},
	}
	for _, tt := range tests {
		if got := addressAt(spans, tt.line); got != tt.want {
			t.Errorf("line %d: got %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestBlockSpansOnFixture(t *testing.T) {
	src, err := os.ReadFile("../../policy/testdata/insecure/cdk.tf.json")
	if err != nil {
		t.Fatal(err)
	}
	spans, err := blockSpans(src)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, s := range spans {
		if s.start > s.end {
			t.Errorf("%s: start %d after end %d", s.address, s.start, s.end)
		}
		found[s.address] = true
	}
	for _, want := range []string{"provider.aws", "aws_vpc.vpc", "aws_db_instance.db", "aws_ecs_task_definition.litellm", "var.master_key", "terraform"} {
		if !found[want] {
			t.Errorf("no span for %s in %v", want, spans)
		}
	}
}
