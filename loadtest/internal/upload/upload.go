package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The objects a run leaves under its prefix.
const (
	JSONName = "report.json" // the report as -json writes it
	HTMLName = "report.html" // the page -html writes
	TextName = "report.txt"  // the table and verdict as printed on stdout
)

// Target is where the reports go: s3://Bucket/Prefix<name>.
type Target struct {
	Bucket string
	// Prefix is empty or ends in "/".
	Prefix string
}

// String is the target as -upload takes it.
func (t Target) String() string { return "s3://" + t.Bucket + "/" + t.Prefix }

// URL is the s3:// address of the object name under the target.
func (t Target) URL(name string) string { return "s3://" + t.Bucket + "/" + t.Prefix + name }

// Rule says in words what Parse accepts.
const Rule = "s3://BUCKET/PREFIX/ with a bucket name of 3-63 lower-case letters, digits, dots and hyphens, " +
	"and an optional key prefix, e.g. s3://my-logs/benchmark/run-1/"

var (
	bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	// prefixRE is what S3 calls safe characters, so a prefix never needs escaping in a log line or a shell.
	prefixRE = regexp.MustCompile(`^[A-Za-z0-9!_.*'()/-]*$`)
)

// Parse reads s3://bucket or s3://bucket/prefix; a prefix gets a trailing "/" when it has none.
func Parse(s string) (Target, error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return Target{}, errors.New("not an s3:// URL")
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	switch {
	case !bucketRE.MatchString(bucket) || strings.Contains(bucket, ".."):
		return Target{}, fmt.Errorf("bucket %q is not an S3 bucket name", bucket)
	case !prefixRE.MatchString(prefix):
		return Target{}, fmt.Errorf("prefix %q has characters other than letters, digits and !_.*'()/-", prefix)
	case strings.HasPrefix(prefix, "/") || strings.Contains(prefix, "//"):
		return Target{}, fmt.Errorf("prefix %q has an empty path segment", prefix)
	case len(prefix)+len(JSONName)+1 > 1024:
		return Target{}, fmt.Errorf("prefix is %d characters long: S3 keys hold at most 1024", len(prefix))
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return Target{Bucket: bucket, Prefix: prefix}, nil
}

// Object is one report file.
type Object struct {
	Name        string // under the target's prefix
	ContentType string
	Body        []byte
}

// Put uploads every object under t and returns their s3:// URLs in order. Credentials and region come from
// the SDK's default chain (on ECS, the task role and AWS_REGION); with AWS_ENDPOINT_URL (or
// AWS_ENDPOINT_URL_S3) set, requests go there, path-style, as a local emulator needs.
func Put(ctx context.Context, t Target, objects []Object) ([]string, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: set AWS_REGION (an ECS task has it set)")
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		// An endpoint of our own (an emulator on 127.0.0.1) has no per-bucket host names.
		if o.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
	})
	var urls []string
	for _, obj := range objects {
		key := t.Prefix + obj.Name
		_, err := client.PutObject(ctx, &s3.PutObjectInput{
			Bucket:      aws.String(t.Bucket),
			Key:         aws.String(key),
			Body:        bytes.NewReader(obj.Body),
			ContentType: aws.String(obj.ContentType),
		})
		if err != nil {
			return urls, fmt.Errorf("put %s: %w", t.URL(obj.Name), err)
		}
		urls = append(urls, t.URL(obj.Name))
	}
	return urls, nil
}
