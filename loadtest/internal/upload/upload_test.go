package upload_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/upload"
	"litellm-aws/loadtest/internal/upload/s3test"
)

func TestParse(t *testing.T) {
	good := []struct{ in, bucket, prefix string }{
		{"s3://my-logs", "my-logs", ""},
		{"s3://my-logs/", "my-logs", ""},
		{"s3://my-logs/benchmark", "my-logs", "benchmark/"},
		{"s3://litellm-benchmark-logs20251201/benchmark/litellm-benchmark-20251201T120000Z/", "litellm-benchmark-logs20251201", "benchmark/litellm-benchmark-20251201T120000Z/"},
	}
	for _, g := range good {
		got, err := upload.Parse(g.in)
		if err != nil || got.Bucket != g.bucket || got.Prefix != g.prefix {
			t.Errorf("Parse(%q) = %+v, %v; want bucket %q prefix %q", g.in, got, err, g.bucket, g.prefix)
		}
		if err == nil && got.URL("report.json") != "s3://"+g.bucket+"/"+g.prefix+"report.json" {
			t.Errorf("URL = %s", got.URL("report.json"))
		}
	}
	bad := []struct{ name, in, want string }{
		{"not s3", "https://my-logs.s3.amazonaws.com/x", "not an s3:// URL"},
		{"upper-case bucket", "s3://MyLogs/x/", `bucket "MyLogs" is not an S3 bucket name`},
		{"short bucket", "s3://ab/", `bucket "ab"`},
		{"no bucket", "s3:///x/", `bucket ""`},
		{"space in prefix", "s3://my-logs/a b/", "has characters other than"},
		{"empty segment", "s3://my-logs/a//b/", "empty path segment"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			if _, err := upload.Parse(b.in); err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("Parse(%q) = %v, want an error with %q", b.in, err, b.want)
			}
		})
	}
}

// awsEnv points the SDK at a fake S3 with fake credentials and nothing from the machine's own AWS setup.
func awsEnv(t *testing.T, endpoint string) {
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestPut(t *testing.T) {
	s3 := s3test.New(t)
	awsEnv(t, s3.URL)
	target, err := upload.Parse("s3://my-logs/benchmark/run-1/")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	urls, err := upload.Put(ctx, target, []upload.Object{
		{Name: upload.JSONName, ContentType: "application/json", Body: []byte(`{"requests":1}`)},
		{Name: upload.TextName, ContentType: "text/plain", Body: []byte("table\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(urls, " ") != "s3://my-logs/benchmark/run-1/report.json s3://my-logs/benchmark/run-1/report.txt" {
		t.Errorf("urls %v", urls)
	}
	got := s3.Objects()
	if o := got["my-logs/benchmark/run-1/report.json"]; string(o.Body) != `{"requests":1}` || o.ContentType != "application/json" || !o.Signed {
		t.Errorf("report.json stored as %+v (path-style, signed for s3, the body as given)", o)
	}
	if o := got["my-logs/benchmark/run-1/report.txt"]; string(o.Body) != "table\n" {
		t.Errorf("report.txt stored as %q", o.Body)
	}
}

func TestPutFailures(t *testing.T) {
	s3 := s3test.New(t)
	s3.Deny("my-logs")
	target, _ := upload.Parse("s3://my-logs/x/")
	objects := []upload.Object{{Name: upload.JSONName, Body: []byte("{}")}}
	t.Run("access denied", func(t *testing.T) {
		awsEnv(t, s3.URL)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := upload.Put(ctx, target, objects)
		if err == nil || !strings.Contains(err.Error(), "put s3://my-logs/x/report.json") || !strings.Contains(err.Error(), "AccessDenied") {
			t.Errorf("Put = %v, want the object and S3's AccessDenied", err)
		}
	})
	t.Run("no region", func(t *testing.T) {
		awsEnv(t, s3.URL)
		t.Setenv("AWS_REGION", "")
		t.Setenv("AWS_DEFAULT_REGION", "")
		_, err := upload.Put(context.Background(), target, objects)
		if err == nil || !strings.Contains(err.Error(), "no AWS region") {
			t.Errorf("Put = %v, want no AWS region", err)
		}
	})
}
