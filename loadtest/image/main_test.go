package main

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
)

func command(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out, errs strings.Builder
	code = run(ctx, args, strings.NewReader(stdin), &out, &errs)
	return code, out.String(), errs.String()
}

// TestPushAndTarball runs the command as ./help would, against a loopback registry that wants ECR's
// user and a password piped in, and with -tarball.
func TestPushAndTarball(t *testing.T) {
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, pw, ok := r.BasicAuth(); !ok || user != "AWS" || pw != "ecr-token" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "not authorized", http.StatusUnauthorized)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	defer srv.Close()
	repo := strings.TrimPrefix(srv.URL, "http://") + "/litellm/loadtest"
	tar := filepath.Join(t.TempDir(), "image.tar")

	code, stdout, stderr := command(t, "ecr-token\n", "-repository", repo, "-password-stdin", "-tarball", tar)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	pinned := strings.TrimSpace(stdout)
	if !strings.HasPrefix(pinned, repo+"@sha256:") || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("stdout %q, want one line %s@sha256:...", stdout, repo)
	}
	ref, err := name.NewDigest(pinned)
	if err != nil {
		t.Fatal(err)
	}
	tag := ref.DigestStr()[len("sha256:"):][:12]
	for _, w := range []string{"building ./loadtest", "tag " + tag, "pushed " + repo + ":" + tag, "written to " + tar} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	// The tag and the digest name the same image, in the registry and in the tarball.
	auth := remote.WithAuth(&authn.Basic{Username: "AWS", Password: "ecr-token"})
	tagged, err := remote.Image(ref.Context().Tag(tag), auth)
	if err != nil {
		t.Fatalf("pull by tag: %v", err)
	}
	if d, _ := tagged.Digest(); d.String() != ref.DigestStr() {
		t.Errorf("tag %s is %s, the command printed %s", tag, d, ref.DigestStr())
	}
	fromTar, err := tarball.ImageFromPath(tar, nil)
	if err != nil {
		t.Fatalf("tarball: %v", err)
	}
	// A docker-load tarball keeps the config and the layer, not the OCI manifest.
	c1, _ := fromTar.ConfigName()
	c2, _ := tagged.ConfigName()
	if c1 != c2 {
		t.Errorf("the tarball's config is %s, the registry's %s", c1, c2)
	}
}

func TestFlags(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  []string
	}{
		{"nothing to do", "", nil, []string{"nothing to do: give -repository"}},
		{"a tag in the repository", "", []string{"-repository", "127.0.0.1:5000/litellm/loadtest:v1"}, []string{`invalid -repository "127.0.0.1:5000/litellm/loadtest:v1": allowed a registry host and repository without tag or digest`}},
		{"no registry", "", []string{"-repository", "loadtest"}, []string{`invalid -repository "loadtest"`}},
		{"a password without a registry", "", []string{"-tarball", filepath.Join(dir, "x.tar"), "-password-stdin"}, []string{"-password-stdin needs -repository"}},
		{"an empty password", "\n", []string{"-repository", "127.0.0.1:5000/litellm/loadtest", "-password-stdin"}, []string{"no password on standard input"}},
		{"a tarball in a missing directory", "", []string{"-tarball", "/nonexistent-dir/x.tar"}, []string{`invalid -tarball "/nonexistent-dir/x.tar"`}},
		{"a root without go.mod", "", []string{"-tarball", filepath.Join(dir, "x.tar"), "-root", dir}, []string{`invalid -root`}},
		{"a local repository with a registry", "", []string{"-local-repository", "loadgen", "-repository", "127.0.0.1:5000/loadgen"}, []string{"-local-repository pushes to a registry of its own"}},
		{"a local repository with a host", "", []string{"-local-repository", "127.0.0.1:5000/loadgen"}, []string{`invalid -local-repository "127.0.0.1:5000/loadgen"`}},
		{"extract without a push", "", []string{"-tarball", filepath.Join(dir, "x.tar"), "-extract", filepath.Join(dir, "bin")}, []string{"-extract pulls the pushed image back"}},
		{"extract into a missing directory", "", []string{"-local-repository", "loadgen", "-extract", "/nonexistent-dir/bin"}, []string{`invalid -extract "/nonexistent-dir/bin"`}},
		{"every problem at once", "", []string{"-repository", "x", "-username", "", "-timeout", "0s", "extra"},
			[]string{"unexpected argument", "invalid -repository", "invalid -username", "invalid -timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := command(t, tt.stdin, tt.args...)
			if code != 2 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.tar")); err == nil {
		t.Error("a refused command wrote its tarball")
	}
}

// TestLocalRepositoryExtract is ./help benchmark --local's push: into a registry the command serves on
// loopback, then the binary pulled back out, runnable.
func TestLocalRepositoryExtract(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "loadtest")
	code, stdout, stderr := command(t, "", "-local-repository", "litellm-benchmark-loadgen", "-extract", bin)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	pinned := strings.TrimSpace(stdout)
	if _, err := name.NewDigest(pinned); err != nil || !strings.HasPrefix(pinned, "127.0.0.1:") || !strings.Contains(pinned, "/litellm-benchmark-loadgen@sha256:") {
		t.Errorf("stdout %q, want 127.0.0.1:PORT/litellm-benchmark-loadgen@sha256:... (%v)", stdout, err)
	}
	for _, w := range []string{"registry (in memory", "pushed 127.0.0.1:", "pulled " + pinned + " and wrote its /loadtest to " + bin} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-check", "-url", "http://127.0.0.1:9", "-key", "sk-x").CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"mode":"load"`) {
		t.Errorf("the extracted binary, run with -check: %v\n%s", err, out)
	}
}
