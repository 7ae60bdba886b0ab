// Package awsiam writes IAM policy documents as JSON strings, and the roles that services assume with their
// inline policies. Resource ARNs may be Terraform tokens; cdktf resolves them inside the string at synth time.
package awsiam

import (
	"encoding/json"

	"github.com/aws/jsii-runtime-go"
)

// Statement is one Allow statement.
type Statement struct {
	Sid       string
	Actions   []string
	Resources []string
	// Condition is an IAM condition block, e.g. {"Bool": {"aws:SecureTransport": "false"}}.
	Condition map[string]map[string]any
}

// Policy returns an identity policy allowing each statement.
func Policy(statements ...Statement) *string {
	type stmt struct {
		Sid       string                    `json:"Sid,omitempty"`
		Effect    string                    `json:"Effect"`
		Action    []string                  `json:"Action"`
		Resource  []string                  `json:"Resource"`
		Condition map[string]map[string]any `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string `json:"Version"`
		Statement []stmt `json:"Statement"`
	}{Version: "2012-10-17"}
	for _, s := range statements {
		doc.Statement = append(doc.Statement, stmt{Sid: s.Sid, Effect: "Allow", Action: s.Actions, Resource: s.Resources, Condition: s.Condition})
	}
	return marshal(doc)
}

// AssumeRolePolicy lets an AWS service assume a role.
func AssumeRolePolicy(service string) *string {
	return marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect":    "Allow",
			"Principal": map[string]string{"Service": service},
			"Action":    "sts:AssumeRole",
		}},
	})
}

func marshal(v any) *string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain maps and slices of strings are marshalled here
	}
	return jsii.String(string(b))
}

// DenyInsecureTransport is a bucket policy refusing every request not made over TLS.
func DenyInsecureTransport(bucketArn string) *string {
	return marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Sid":       "DenyInsecureTransport",
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    "s3:*",
			"Resource":  []string{bucketArn, bucketArn + "/*"},
			"Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
		}},
	})
}
