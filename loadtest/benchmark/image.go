package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"

	"litellm-aws/internal/ociimage"
)

// pushImage builds the tester (or takes LITELLM_BENCHMARK_LOADTEST), packs it as an image and pushes it, once per
// content: to the stack's ECR repository, or with --local to a registry on 127.0.0.1 from which it pulls the binary
// back for the emulator to run (runner). image is the repository's name for it, pinned: repo@sha256:...
func (b *bench) pushImage(ctx context.Context, c *cloud, repo, family string) (image, runner string, err error) {
	fail := func(err error) (string, string, error) {
		return "", "", fmt.Errorf("building or pushing the load tester's image failed: %v; nothing was started", err)
	}
	bin := b.getenv("LITELLM_BENCHMARK_LOADTEST")
	if bin == "" {
		b.log("building the load tester for %s/%s", ociimage.OS, ociimage.Architecture)
		if bin, err = ociimage.Build(ctx, b.root, b.work); err != nil {
			return fail(err)
		}
	}
	img, err := ociimage.Image(bin)
	if err != nil {
		return fail(err)
	}
	tag, err := ociimage.Tag(img)
	if err != nil {
		return fail(err)
	}
	to := repo
	var auth authn.Authenticator // none: the loopback registry is open
	if b.local {
		b.log("pushing the load tester's image to a registry on 127.0.0.1 (the emulator has no ECR registry) and pulling it back")
		host, stop, err := ociimage.LoopbackRegistry()
		if err != nil {
			return fail(err)
		}
		defer stop()
		to = host + "/" + family
	} else {
		b.log("pushing the load tester's image to %s", repo)
		if auth, err = c.ecrAuth(ctx); err != nil {
			return fail(fmt.Errorf("ECR login: %v", err))
		}
	}
	pinned, existed, err := ociimage.Push(ctx, img, to+":"+tag, auth)
	if err != nil {
		return fail(err)
	}
	if existed {
		b.log("%s:%s is there already: nothing to push", to, tag)
	}
	if b.local {
		runner = filepath.Join(b.work, "loadtest-image")
		if err := ociimage.Extract(ctx, pinned, nil, runner); err != nil {
			return fail(err)
		}
	}
	return repo + "@" + pinned[strings.LastIndex(pinned, "@")+1:], runner, nil
}
