// Command image builds the load tester as a container image without Docker and pushes it: a static
// linux/amd64 build of ./loadtest, alone on no base image, run as a non-root user, tagged by its
// content, so the same source always gives the same tag and digest. It prints the digest-pinned
// reference for a task definition. See internal/ociimage.
//
//	aws ecr get-login-password --region us-east-1 |
//	  go run ./loadtest/image -repository 123456789012.dkr.ecr.us-east-1.amazonaws.com/litellm-loadtest -password-stdin
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"litellm-aws/internal/ociimage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the command without the process: exit status 0 done, 1 the build or push failed, 2 bad flags.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	fs.SetOutput(stderr)
	repository := fs.String("repository", "", "push to this `REGISTRY/REPOSITORY` (e.g. an ECR repository URI), tagged by content")
	passwordStdin := fs.Bool("password-stdin", false, "read the registry password from standard input (ECR: aws ecr get-login-password)")
	username := fs.String("username", ociimage.ECRUser, "registry `USER` for the password (ECR's is AWS)")
	tarballPath := fs.String("tarball", "", "also write the image to `FILE`, a tarball that docker load or podman load takes")
	localRepository := fs.String("local-repository", "", "push to repository `NAME` in a registry this command serves on 127.0.0.1 while it runs (go-containerregistry's in-memory one), instead of -repository: the flow without a registry, as ./help benchmark --local uses it")
	extract := fs.String("extract", "", "after the push, pull the image back by digest and write its entrypoint binary to `FILE`: what a container runtime would run")
	root := fs.String("root", "", "the repository's root `DIR` (default: the directory of go.mod above the working directory)")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up after this `DURATION`, build and push included")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: image -repository REGISTRY/REPOSITORY [-password-stdin] [-username AWS] [-tarball FILE] [-extract FILE]
       image -local-repository NAME [-extract FILE]
       image -tarball FILE

Builds ./loadtest as a static linux/amd64 binary, packs it as an OCI image (no base image, entrypoint
/loadtest, user 65532:65532, reproducible), pushes it as REPOSITORY:TAG with TAG the first 12 hex digits
of its digest, and prints REPOSITORY@sha256:... on standard output.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var problems []string
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Sprintf("unexpected argument %q: this command takes flags only", fs.Arg(0)))
	}
	if *repository == "" && *localRepository == "" && *tarballPath == "" {
		problems = append(problems, "nothing to do: give -repository to push, -tarball to write a file, or both")
	}
	if *localRepository != "" {
		if *repository != "" || *passwordStdin {
			problems = append(problems, "-local-repository pushes to a registry of its own: give it without -repository and -password-stdin")
		}
		if r, err := name.NewRepository("127.0.0.1:5000/"+*localRepository, name.StrictValidation); err != nil || r.RepositoryStr() != *localRepository {
			problems = append(problems, fmt.Sprintf("invalid -local-repository %q: allowed a repository name without registry, tag or digest, e.g. litellm-benchmark-loadgen", *localRepository))
		}
	}
	if *extract != "" {
		if *repository == "" && *localRepository == "" {
			problems = append(problems, "-extract pulls the pushed image back: give -repository or -local-repository")
		}
		if st, err := os.Stat(filepath.Dir(*extract)); err != nil || !st.IsDir() {
			problems = append(problems, fmt.Sprintf("invalid -extract %q: allowed a file in an existing directory", *extract))
		}
	}
	if *repository != "" {
		// StrictValidation: no registry defaulted to Docker Hub; a tag or digest does not parse.
		if r, err := name.NewRepository(*repository, name.StrictValidation); err != nil || r.String() != *repository {
			problems = append(problems, fmt.Sprintf("invalid -repository %q: allowed a registry host and repository without tag or digest, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/litellm-loadtest", *repository))
		}
	}
	if *passwordStdin && *repository == "" {
		problems = append(problems, "-password-stdin needs -repository: the password is for the registry pushed to")
	}
	if *username == "" {
		problems = append(problems, fmt.Sprintf("invalid -username %q: allowed a registry user name, AWS for ECR", *username))
	}
	if *timeout <= 0 {
		problems = append(problems, fmt.Sprintf("invalid -timeout %q: allowed a duration greater than 0, e.g. 10m", timeout.String()))
	}
	if *tarballPath != "" {
		if st, err := os.Stat(filepath.Dir(*tarballPath)); err != nil || !st.IsDir() {
			problems = append(problems, fmt.Sprintf("invalid -tarball %q: allowed a file in an existing directory", *tarballPath))
		}
	}
	dir := *root
	if dir == "" {
		var err error
		if dir, err = moduleRoot(); err != nil {
			problems = append(problems, err.Error())
		}
	} else if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		problems = append(problems, fmt.Sprintf("invalid -root %q: allowed the repository's root, the directory holding go.mod", dir))
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(stderr, "error: %s\n", p)
		}
		fmt.Fprintln(stderr, "run image -h for the flags")
		return 2
	}

	auth := authn.Anonymous
	if *passwordStdin {
		pw, err := bufio.NewReader(stdin).ReadString('\n')
		pw = strings.TrimRight(pw, "\r\n")
		if (err != nil && !errors.Is(err, io.EOF)) || pw == "" {
			fmt.Fprintln(stderr, "error: -password-stdin: no password on standard input (pipe aws ecr get-login-password into this command)")
			return 2
		}
		auth = &authn.Basic{Username: *username, Password: pw}
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	out, err := os.MkdirTemp("", "loadtest-image-")
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer os.RemoveAll(out)
	fmt.Fprintf(stderr, "building %s in %s for %s/%s\n", ociimage.Package, dir, ociimage.OS, ociimage.Architecture)
	bin, err := ociimage.Build(ctx, dir, out)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	img, err := ociimage.Image(bin)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	tag, err := ociimage.Tag(img)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	digest, _ := img.Digest()
	fmt.Fprintf(stderr, "image %s, tag %s\n", digest, tag)
	if *tarballPath != "" {
		repo := *repository
		if repo == "" {
			repo = "loadtest"
		}
		ref, err := name.NewTag(repo + ":" + tag)
		if err == nil {
			err = tarball.WriteToFile(*tarballPath, ref, img)
		}
		if err != nil {
			fmt.Fprintf(stderr, "error: -tarball: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "written to %s as %s\n", *tarballPath, ref)
	}
	repo := *repository
	if *localRepository != "" {
		host, stop, err := ociimage.LoopbackRegistry()
		if err != nil {
			fmt.Fprintf(stderr, "error: serving a registry on 127.0.0.1: %v\n", err)
			return 1
		}
		defer stop()
		repo = host + "/" + *localRepository
		fmt.Fprintf(stderr, "registry (in memory, for as long as this command runs) at %s\n", host)
	}
	if repo != "" {
		pinned, existed, err := ociimage.Push(ctx, img, repo+":"+tag, auth)
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		if existed {
			fmt.Fprintf(stderr, "%s:%s is there already: nothing to push\n", repo, tag)
		} else {
			fmt.Fprintf(stderr, "pushed %s:%s\n", repo, tag)
		}
		if *extract != "" {
			if err := ociimage.Extract(ctx, pinned, auth, *extract); err != nil {
				fmt.Fprintf(stderr, "error: -extract: %v\n", err)
				return 1
			}
			fmt.Fprintf(stderr, "pulled %s and wrote its %s to %s\n", pinned, ociimage.BinaryPath, *extract)
		}
		fmt.Fprintln(stdout, pinned)
	}
	return 0
}

// moduleRoot is the directory of the nearest go.mod at or above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory: run from the repository or give -root")
		}
		dir = parent
	}
}
