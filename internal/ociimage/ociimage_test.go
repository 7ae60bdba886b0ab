package ociimage_test

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"litellm-aws/internal/stubtest"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"litellm-aws/internal/ociimage"
	"litellm-aws/internal/testbin"
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
)

var repoRoot = filepath.Join("..", "..")

// binary is the load tester, built once for every test here and in the other packages that need it.
func binary(t *testing.T) string { return testbin.Loadtest(t, repoRoot) }

// newRegistry serves ggcr's in-memory registry on loopback; with password set, it asks for HTTP basic
// auth as ECR does, user AWS.
func newRegistry(t *testing.T, password string) string {
	t.Helper()
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	h := reg
	if password != "" {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if user, pw, ok := r.BasicAuth(); !ok || user != ociimage.ECRUser || pw != password {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				http.Error(w, "not authorized", http.StatusUnauthorized)
				return
			}
			reg.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// TestPushPullRun pushes the image to a registry, pulls it back by digest, checks what a container
// runtime reads from it, then takes the binary out of the pulled layer and runs it as an ECS task
// would: the image's entrypoint with the task's command as flags, the key in the environment, and
// nothing else, against the same binary serving its stub.
func TestPushPullRun(t *testing.T) {
	img, err := ociimage.Image(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	tag, err := ociimage.Tag(img)
	if err != nil {
		t.Fatal(err)
	}
	host := newRegistry(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pinned, existed, err := ociimage.Push(ctx, img, host+"/litellm/loadtest:"+tag, authn.Anonymous)
	if err != nil || existed {
		t.Fatalf("Push: %v (existed %v)", err, existed)
	}
	digest, _ := img.Digest()
	if want := host + "/litellm/loadtest@" + digest.String(); pinned != want {
		t.Errorf("Push returned %q, want %q", pinned, want)
	}

	ref, err := name.NewDigest(pinned)
	if err != nil {
		t.Fatal(err)
	}
	pulled, err := remote.Image(ref, remote.WithContext(ctx))
	if err != nil {
		t.Fatalf("pull %s: %v", ref, err)
	}
	if mt, _ := pulled.MediaType(); mt != types.OCIManifestSchema1 {
		t.Errorf("manifest media type %s, want %s", mt, types.OCIManifestSchema1)
	}
	cfg, err := pulled.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Config
	if cfg.OS != "linux" || cfg.Architecture != "amd64" || !cfg.Created.Time.Equal(time.Unix(0, 0)) {
		t.Errorf("platform %s/%s created %s, want linux/amd64 at the epoch", cfg.OS, cfg.Architecture, cfg.Created)
	}
	if !slices.Equal(c.Entrypoint, []string{"/loadtest"}) || len(c.Cmd) != 0 || len(c.Shell) != 0 || c.User != "65532:65532" || c.WorkingDir != "/tmp" {
		t.Errorf("config entrypoint %q cmd %q shell %q user %q workdir %q; want [/loadtest], none, none, 65532:65532, /tmp",
			c.Entrypoint, c.Cmd, c.Shell, c.User, c.WorkingDir)
	}
	if c.Labels["org.opencontainers.image.source"] != "litellm-aws/loadtest" || c.Labels["org.opencontainers.image.title"] != "loadtest" {
		t.Errorf("labels %v, want the source litellm-aws/loadtest and the title loadtest", c.Labels)
	}

	// The layer holds the binary and /tmp, nothing else: no shell, no base.
	layers, err := pulled.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers (%v), want 1", len(layers), err)
	}
	if mt, _ := layers[0].MediaType(); mt != types.OCILayer {
		t.Errorf("layer media type %s, want %s", mt, types.OCILayer)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "loadtest")
	entries := extract(t, layers[0], bin)
	want := []string{"loadtest 0755 uid 0 gid 0 1970-01-01T00:00:00Z", "tmp/ 1777 uid 0 gid 0 1970-01-01T00:00:00Z"}
	if !slices.Equal(entries, want) {
		t.Errorf("layer entries\n%s\nwant\n%s", strings.Join(entries, "\n"), strings.Join(want, "\n"))
	}
	if a, b := sha256File(t, bin), sha256File(t, binary(t)); a != b {
		t.Errorf("the pulled binary's sha256 is %s, the built one's %s", a, b)
	}

	stub := stubtest.Start(t, bin, "sk-task")
	work := t.TempDir() // the container's /tmp
	run := exec.CommandContext(ctx, bin, "-url", stub, "-duration", "3s", "-users", "5", "-spawn-rate", "5", "-wait", "10ms-50ms",
		"-json", "report.json", "-html", "report.html", "-quiet")
	run.Dir = work
	run.Env = []string{"LITELLM_MASTER_KEY=sk-task"}
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("the image's binary, run as a task: %v\n%s", err, out)
	}
	var rep struct {
		Requests  int64 `json:"requests"`
		Successes int64 `json:"successes"`
		Timeline  []struct {
			P99 float64 `json:"p99_ms"`
		} `json:"timeline"`
		Verdict struct {
			Checks []json.RawMessage `json:"checks"`
		} `json:"verdict"`
	}
	raw, err := os.ReadFile(filepath.Join(work, "report.json"))
	if err != nil {
		t.Fatalf("no JSON report: %v\n%s", err, out)
	}
	if err := json.Unmarshal(raw, &rep); err != nil || rep.Requests == 0 || rep.Successes != rep.Requests || len(rep.Timeline) < 2 || len(rep.Verdict.Checks) == 0 {
		t.Errorf("JSON report %v: %d requests, %d successes, %d timeline points, %d checks; want requests, all successful, a timeline and a verdict",
			err, rep.Requests, rep.Successes, len(rep.Timeline), len(rep.Verdict.Checks))
	}
	page, err := os.ReadFile(filepath.Join(work, "report.html"))
	if err != nil {
		t.Fatalf("no HTML report: %v\n%s", err, out)
	}
	for _, w := range []string{`<svg class="plot"`, `id="verdict-summary"`, "latency p99"} {
		if !strings.Contains(string(page), w) {
			t.Errorf("HTML report lacks %q", w)
		}
	}
}

// extract writes the layer's loadtest entry to bin and lists every entry with its mode, owner and time.
func extract(t *testing.T, layer v1.Layer, bin string) []string {
	t.Helper()
	rc, err := layer.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	var entries []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, fmt.Sprintf("%s %04o uid %d gid %d %s", h.Name, h.Mode, h.Uid, h.Gid, h.ModTime.UTC().Format(time.RFC3339)))
		if h.Name == "loadtest" {
			f, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(f, tr); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
	slices.Sort(entries)
	return entries
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// TestReproducible builds a second time from a copy of the sources in another directory, as another
// checkout would: the same source must give the same binary, image digest and tag.
func TestReproducible(t *testing.T) {
	first, err := ociimage.Image(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	checkout := t.TempDir()
	for _, f := range append([]string{"go.mod", "go.sum"}, sources(t)...) {
		b, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err == nil {
			err = os.MkdirAll(filepath.Dir(filepath.Join(checkout, f)), 0o755)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(checkout, f), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), testbin.BuildTimeout)
	defer cancel()
	again, err := ociimage.Build(ctx, checkout, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if a, b := sha256File(t, binary(t)), sha256File(t, again); a != b {
		t.Errorf("two builds differ: sha256 %s and %s", a, b)
	}
	second, err := ociimage.Image(again)
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := first.Digest()
	d2, _ := second.Digest()
	t1, _ := ociimage.Tag(first)
	t2, _ := ociimage.Tag(second)
	if d1 != d2 || t1 != t2 {
		t.Errorf("two builds gave images %s (tag %s) and %s (tag %s)", d1, t1, d2, t2)
	}
	if len(t1) != 12 || t1 != d1.Hex[:12] {
		t.Errorf("tag %q, want the digest's first 12 hex digits (%s)", t1, d1.Hex)
	}
}

// sources lists the files, relative to the repository root, of this module's packages that the load
// tester is built from.
func sources(t *testing.T) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f", `{{if not .Standard}}{{.Dir}}{{"\t"}}{{join .GoFiles " "}} {{join .EmbedFiles " "}}{{end}}`, ociimage.Package)
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		dir, names, _ := strings.Cut(line, "\t")
		rel, err := filepath.Rel(root, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue // a dependency in the module cache
		}
		for _, n := range strings.Fields(names) {
			files = append(files, filepath.Join(rel, n))
		}
	}
	return files
}

// TestPushAuth pushes to a registry that wants ECR's basic auth: the right password gets in, a wrong
// one or none is refused with the registry's answer.
func TestPushAuth(t *testing.T) {
	img, err := ociimage.Image(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	host := newRegistry(t, "ecr-token")
	tests := []struct {
		name string
		auth authn.Authenticator
		want string // in the error; empty for success
	}{
		{"ECR's user and the right password", ociimage.ECR("ecr-token"), ""},
		{"a wrong password", ociimage.ECR("expired-token"), "401"},
		{"no credentials", authn.Anonymous, "401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, _, err := ociimage.Push(ctx, img, host+"/litellm/loadtest:auth", tt.auth)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Push: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Push = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestRejects(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(text, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dynamic, err := exec.LookPath("true") // a dynamically linked system binary
	if err != nil {
		t.Fatalf("no `true` on PATH to stand for a dynamically linked binary: %v", err)
	}
	img, err := ociimage.Image(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"a missing binary", func() error { _, err := ociimage.Image(filepath.Join(dir, "nothing")); return err }, "no such file"},
		{"a script", func() error { _, err := ociimage.Image(text); return err }, "not an ELF executable"},
		{"a dynamically linked binary", func() error { _, err := ociimage.Image(dynamic); return err }, "dynamically linked"},
		{"a reference without a tag", func() error {
			_, _, err := ociimage.Push(context.Background(), img, "127.0.0.1:1/litellm/loadtest", authn.Anonymous)
			return err
		}, "want registry/repository:tag"},
		{"a build outside the repository", func() error {
			ctx, cancel := context.WithTimeout(context.Background(), testbin.BuildTimeout)
			defer cancel()
			_, err := ociimage.Build(ctx, t.TempDir(), t.TempDir())
			return err
		}, "go build ./loadtest in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// TestPushAgainAndExtract pushes the same image twice, as ./help benchmark does on every run into an
// ECR repository whose tags are immutable: the second push writes nothing. A tag that names another
// image is refused. Extract takes the binary back out of the registry, byte for byte the one built.
func TestPushAgainAndExtract(t *testing.T) {
	img, err := ociimage.Image(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	tag, _ := ociimage.Tag(img)
	host, stop, err := ociimage.LoopbackRegistry()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !strings.HasPrefix(host, "127.0.0.1:") {
		t.Fatalf("LoopbackRegistry listens on %s, want 127.0.0.1", host)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ref := host + "/litellm-benchmark-loadgen:" + tag
	first, existed, err := ociimage.Push(ctx, img, ref, nil)
	if err != nil || existed {
		t.Fatalf("first Push: %v (existed %v)", err, existed)
	}
	again, existed, err := ociimage.Push(ctx, img, ref, nil)
	if err != nil || !existed || again != first {
		t.Errorf("second Push = %q, existed %v, %v; want %q, existed, no error", again, existed, err, first)
	}

	other, err := mutate.Config(img, v1.Config{Entrypoint: []string{"/other"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ociimage.Push(ctx, other, ref, nil); err == nil || !strings.Contains(err.Error(), "already names another image") {
		t.Errorf("Push of another image under the same tag = %v, want a refusal", err)
	}

	bin := filepath.Join(t.TempDir(), "loadtest")
	if err := ociimage.Extract(ctx, first, nil, bin); err != nil {
		t.Fatal(err)
	}
	if a, b := sha256File(t, bin), sha256File(t, binary(t)); a != b {
		t.Errorf("the extracted binary's sha256 is %s, the built one's %s", a, b)
	}
	if st, err := os.Stat(bin); err != nil || st.Mode().Perm()&0o100 == 0 {
		t.Errorf("the extracted binary is not executable: %v %v", st.Mode(), err)
	}
	if err := ociimage.Extract(ctx, host+"/nothing@"+strings.Repeat("sha256:", 1)+strings.Repeat("0", 64), nil, bin+"2"); err == nil {
		t.Error("Extract of an image that is not there succeeded")
	}
}
