// Package testbin builds the load tester for tests as the image has it (internal/ociimage.Build): once per test
// process, into a cache folder of the checkout that every test process shares, one build at a time. A second build
// of the same sources finds the binary up to date and writes nothing, so the packages that need it (stacks,
// internal/ociimage) neither compile it twice nor side by side on a busy machine. A test helper, apart from
// production code.
package testbin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"litellm-aws/internal/ociimage"
)

// BuildTimeout bounds the build, waiting for another test process's included: the first on a machine compiles
// the standard library for a static linux/amd64 build, which takes minutes on two busy cores.
const BuildTimeout = 20 * time.Minute

var loadtest struct {
	once sync.Once
	bin  string
	err  error
}

// Loadtest returns the static linux/amd64 load tester built from the checkout at root, building it on the first
// call of the process; it fails the test when the build does.
func Loadtest(t testing.TB, root string) string {
	t.Helper()
	loadtest.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), BuildTimeout)
		defer cancel()
		loadtest.bin, loadtest.err = build(ctx, root)
	})
	if loadtest.err != nil {
		t.Fatalf("building the load tester: %v", loadtest.err)
	}
	return loadtest.bin
}

func build(ctx context.Context, root string) (string, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	dir, err := cacheDir(root)
	if err != nil {
		return "", err
	}
	unlock, err := lock(ctx, filepath.Join(dir, "build.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	return ociimage.Build(ctx, root, dir)
}

// cacheDir is where the checkout at root keeps its test binaries: under $LITELLM_AWS_CACHE, else the user's cache
// folder's litellm-aws (where ./help keeps its tools), one folder per checkout.
func cacheDir(root string) (string, error) {
	base := os.Getenv("LITELLM_AWS_CACHE")
	if base == "" {
		user, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		base = filepath.Join(user, "litellm-aws")
	}
	sum := sha256.Sum256([]byte(root))
	dir := filepath.Join(base, "test-bin", hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("the test binaries' cache: %v", err)
	}
	return dir, nil
}
