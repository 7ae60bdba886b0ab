package ociimage

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// What the image is made of.
const (
	// Package is the Go package built, relative to the repository root.
	Package = "./loadtest"
	// BinaryPath is where the binary sits in the image; it is the entrypoint, so a task definition's
	// command is the load tester's flags.
	BinaryPath = "/loadtest"
	// WorkDir is the working directory: /tmp, the one directory in the image that the user may write,
	// so that -json and -html with relative paths work.
	WorkDir = "/tmp"
	// User is the numeric user and group the container runs as: not root (65532 is distroless's
	// "nonroot"). Numeric, as there is no /etc/passwd to look a name up in.
	User = "65532:65532"
	// OS and Architecture are the platform Build compiles for and the image declares: Fargate's default.
	OS           = "linux"
	Architecture = "amd64"
	// ECRUser is the user name ECR takes with the password printed by `aws ecr get-login-password`.
	ECRUser = "AWS"
)

// Epoch is every timestamp in the image (config, history, layer entries), so the digest depends on
// the binary alone.
var Epoch = time.Unix(0, 0).UTC()

// Build compiles the load tester (Package in repoRoot) as a static linux/amd64 binary named loadtest
// in outDir, which must exist, and returns its path. The build is reproducible: no cgo, no file
// paths (-trimpath), no VCS stamp, no symbol table (-ldflags '-s -w'), baseline amd64 instructions;
// the same source and Go version give the same bytes.
func Build(ctx context.Context, repoRoot, outDir string) (string, error) {
	out, err := filepath.Abs(filepath.Join(outDir, "loadtest"))
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", out, Package)
	cmd.Dir = repoRoot
	// GOFLAGS is cleared so that a developer's -race or -cover does not leak into the image.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+OS, "GOARCH="+Architecture, "GOAMD64=v1", "GOFLAGS=")
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s in %s: %w\n%s", Package, repoRoot, err, strings.TrimSpace(log.String()))
	}
	return out, nil
}

// Image packs the binary at binaryPath, a static linux/amd64 executable as Build makes, as an OCI
// image: no base image, one layer holding BinaryPath and an empty, world-writable WorkDir; entrypoint
// BinaryPath, user User, every timestamp Epoch, and labels naming the Go package it was built from.
func Image(binaryPath string) (v1.Image, error) {
	bin, err := os.ReadFile(binaryPath)
	if err != nil {
		return nil, err
	}
	if err := checkStatic(bin); err != nil {
		return nil, fmt.Errorf("%s: %w; Image needs a static %s/%s build, as Build makes", binaryPath, err, OS, Architecture)
	}
	info, err := buildinfo.Read(bytes.NewReader(bin))
	if err != nil {
		return nil, fmt.Errorf("%s: no Go build information: %w", binaryPath, err)
	}
	files, err := layerTar(bin)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(files)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, MediaType: types.OCILayer, History: v1.History{
		Created:   v1.Time{Time: Epoch},
		CreatedBy: fmt.Sprintf("%s build -trimpath -buildvcs=false -ldflags='-s -w' %s (CGO_ENABLED=0 GOOS=%s GOARCH=%s)", info.GoVersion, info.Path, OS, Architecture),
	}})
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = OS, Architecture
	cfg.Created = v1.Time{Time: Epoch}
	cfg.Config = v1.Config{
		Entrypoint: []string{BinaryPath},
		User:       User,
		WorkingDir: WorkDir,
		Labels:     labels(info),
	}
	return mutate.ConfigFile(img, cfg)
}

// labels are the OCI annotations that say what the image holds and where it comes from, read from
// the binary itself so that they cannot disagree with it.
func labels(info *buildinfo.BuildInfo) map[string]string {
	l := map[string]string{
		"org.opencontainers.image.title":       "loadtest",
		"org.opencontainers.image.description": "LiteLLM's Locust benchmark replayed in Go: load test, smoke check and verdict against the published figures",
		"org.opencontainers.image.source":      info.Path,
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			l["org.opencontainers.image.revision"] = s.Value
		}
	}
	return l
}

// checkStatic accepts a 64-bit x86 ELF executable without a program interpreter: one that runs on a
// Linux kernel with nothing else in the image.
func checkStatic(bin []byte) error {
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		return fmt.Errorf("not an ELF executable (%v)", err)
	}
	defer f.Close()
	if f.Class != elf.ELFCLASS64 || f.Machine != elf.EM_X86_64 {
		return fmt.Errorf("built for %s %s, not amd64", f.Class, f.Machine)
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("an ELF %s, not an executable", f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return errors.New("dynamically linked (it needs a program interpreter, which an image without a base has not)")
		}
	}
	return nil
}

// layerTar is the image's one layer: WorkDir and the binary, owned by root, at Epoch.
func layerTar(bin []byte) ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	entries := []struct {
		hdr  tar.Header
		body []byte
	}{
		{tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(WorkDir, "/") + "/", Mode: 0o1777}, nil},
		{tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(BinaryPath, "/"), Mode: 0o755, Size: int64(len(bin))}, bin},
	}
	for _, e := range entries {
		e.hdr.ModTime, e.hdr.Format = Epoch, tar.FormatUSTAR
		if err := tw.WriteHeader(&e.hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Tag is img's tag by content: the first 12 hex digits of its digest. Since Image is reproducible,
// the same binary always gets the same tag, and a new binary a new one.
func Tag(img v1.Image) (string, error) {
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	return d.Hex[:12], nil
}

// ECR is the authenticator for an Amazon ECR registry: user ECRUser and the password that
// `aws ecr get-login-password --region REGION` prints (valid for 12 hours).
func ECR(password string) authn.Authenticator {
	return &authn.Basic{Username: ECRUser, Password: password}
}

// Push uploads img to ref, a full tag reference (registry/repository:tag, nothing defaulted), as
// auth (authn.Anonymous for an open registry), and returns the reference pinned to the image's
// digest (registry/repository@sha256:...), the form a task definition should name. When the tag
// already names this very image, nothing is written and existed is true: an ECR repository with
// immutable tags refuses to have a tag written again, even with the same image, and Tag makes the
// same tag for the same image. A tag naming another image is an error. A registry on a loopback or
// private address is spoken to over plain HTTP, as ggcr does.
func Push(ctx context.Context, img v1.Image, ref string, auth authn.Authenticator) (pinned string, existed bool, err error) {
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		return "", false, fmt.Errorf("image reference %q: %w; want registry/repository:tag", ref, err)
	}
	if auth == nil {
		auth = authn.Anonymous
	}
	d, err := img.Digest()
	if err != nil {
		return "", false, err
	}
	pinned = tag.Context().Digest(d.String()).String()
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuth(auth), remote.WithUserAgent("litellm-aws-ociimage")}
	if desc, err := remote.Head(tag, opts...); err == nil {
		if desc.Digest != d {
			return "", false, fmt.Errorf("push %s: the tag already names another image (%s), and tags here are never moved", tag, desc.Digest)
		}
		return pinned, true, nil
	}
	// Any other answer to HEAD (not found, or a registry that does not answer HEAD) leaves it to the write.
	if err := remote.Write(tag, img, opts...); err != nil {
		return "", false, fmt.Errorf("push %s: %w", tag, err)
	}
	return pinned, false, nil
}

// Extract pulls the image ref (best pinned to a digest) and writes its entrypoint, BinaryPath, to
// path as an executable: the binary a container runtime would run, taken from the registry rather
// than from the build, so that what runs is what was pushed.
func Extract(ctx context.Context, ref string, auth authn.Authenticator, path string) error {
	r, err := name.ParseReference(ref, name.StrictValidation)
	if err != nil {
		return fmt.Errorf("image reference %q: %w", ref, err)
	}
	if auth == nil {
		auth = authn.Anonymous
	}
	img, err := remote.Image(r, remote.WithContext(ctx), remote.WithAuth(auth), remote.WithUserAgent("litellm-aws-ociimage"),
		remote.WithPlatform(v1.Platform{OS: OS, Architecture: Architecture}))
	if err != nil {
		return fmt.Errorf("pull %s: %w", r, err)
	}
	layers, err := img.Layers()
	if err != nil {
		return fmt.Errorf("pull %s: %w", r, err)
	}
	want := strings.TrimPrefix(BinaryPath, "/")
	// The last layer that has the file wins, as in a container's root file system.
	for i := len(layers) - 1; i >= 0; i-- {
		found, err := extractFrom(layers[i], want, path)
		if err != nil {
			return fmt.Errorf("pull %s: %w", r, err)
		}
		if found {
			return nil
		}
	}
	return fmt.Errorf("pull %s: no %s in the image", r, BinaryPath)
}

func extractFrom(layer v1.Layer, name, path string) (bool, error) {
	rc, err := layer.Uncompressed()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if strings.TrimPrefix(h.Name, "./") != name || h.Typeflag != tar.TypeReg {
			continue
		}
		tmp := path + ".part"
		f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
		if err != nil {
			return false, err
		}
		if _, err := io.Copy(f, tr); err != nil {
			f.Close()
			os.Remove(tmp)
			return false, err
		}
		if err := f.Close(); err != nil {
			os.Remove(tmp)
			return false, err
		}
		return true, os.Rename(tmp, path)
	}
}

// LoopbackRegistry serves go-containerregistry's in-memory registry on 127.0.0.1 until stop is
// called, and returns its host:port: somewhere to push to and pull from without a registry of
// one's own (./help benchmark --local, tests). What it holds is gone when it stops.
func LoopbackRegistry() (host string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: registry.New(registry.Logger(log.New(io.Discard, "", 0))), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return ln.Addr().String(), func() { srv.Close() }, nil
}
