// Command benchwrk prints the load tester's top request rate next to wrk's, both against one
// zero-latency stub in a separate process with the same number of connections, and fails when the
// tester reaches less than half of wrk's rate. Run it as ./help bench-loadtest (which installs wrk).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"litellm-aws/loadtest/internal/stub"
	"litellm-aws/loadtest/internal/wrkbench"
)

func main() {
	connections := flag.Int("connections", wrkbench.DefaultConnections, "connections for wrk, users for the tester")
	threads := flag.Int("threads", wrkbench.DefaultThreads, "wrk threads")
	duration := flag.Duration("duration", wrkbench.DefaultDuration, "how long each tool runs in each round")
	rounds := flag.Int("rounds", wrkbench.DefaultRounds, "how many alternating rounds; the medians are reported")
	wrk := flag.String("wrk", "wrk", "the wrk binary")
	serve := flag.String("serve-stub", "", "internal: serve the stub on this address (the child process)")
	flag.Parse()
	if *serve != "" {
		os.Exit(serveStub(*serve))
	}
	var problems []string
	if *connections < 1 {
		problems = append(problems, fmt.Sprintf("invalid -connections %d: allowed a whole number of at least 1", *connections))
	}
	if *threads < 1 || *threads > *connections {
		problems = append(problems, fmt.Sprintf("invalid -threads %d: allowed 1 to -connections (%d)", *threads, *connections))
	}
	if *duration < time.Second {
		problems = append(problems, fmt.Sprintf("invalid -duration %s: allowed 1s or more", *duration))
	}
	if *rounds < 1 {
		problems = append(problems, fmt.Sprintf("invalid -rounds %d: allowed a whole number of at least 1", *rounds))
	}
	if len(problems) > 0 {
		fmt.Fprintln(os.Stderr, "error: "+strings.Join(problems, "\nerror: "))
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(compare(ctx, wrkbench.Options{Wrk: *wrk, Connections: *connections, Threads: *threads, Duration: *duration, Rounds: *rounds}))
}

func compare(ctx context.Context, opts wrkbench.Options) int {
	// The stub runs in its own process, as wrk does, so neither client shares a Go runtime with it.
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		return 1
	}
	child := exec.Command(self, "-serve-stub", "127.0.0.1:0")
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err == nil {
		err = child.Start()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: starting the stub: %v\n", err)
		return 1
	}
	defer func() {
		_ = child.Process.Signal(syscall.SIGTERM)
		_ = child.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: the stub did not start: %v\n", err)
		return 1
	}
	opts.URL = strings.TrimSpace(line)
	fmt.Printf("stub: %s (separate process, no latency)\n", opts.URL)
	fmt.Printf("connections: %d, wrk threads: %d, %d rounds of %s per tool, GOMAXPROCS=%s\n",
		opts.Connections, opts.Threads, opts.Rounds, opts.Duration, orDefault(os.Getenv("GOMAXPROCS"), "default"))
	fmt.Printf("%-8s %12s %12s %7s\n", "round", "wrk req/s", "loadtest", "ratio")
	res, err := wrkbench.Run(ctx, opts, func(i int, r wrkbench.Round) {
		fmt.Printf("%-8d %12.1f %12.1f %7.2f", i, r.WrkRPS, r.ToolRPS, r.Ratio())
		if len(r.WrkProblems) > 0 {
			fmt.Printf("  wrk: %s", strings.Join(r.WrkProblems, "; "))
		}
		if r.ToolFailures > 0 {
			fmt.Printf("  loadtest: %d failures", r.ToolFailures)
		}
		fmt.Println()
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		return 1
	}
	verdict := "PASS"
	if !res.Pass() {
		verdict = "FAIL"
	}
	fmt.Printf("%-8s %12.1f %12.1f %7.2f\n", "median", res.WrkRPS(), res.ToolRPS(), res.Ratio())
	fmt.Printf("loadtest reaches %.0f%% of wrk's rate with %d connections (target >= %.0f%%, no errors): %s\n",
		res.Ratio()*100, opts.Connections, wrkbench.MinRatio*100, verdict)
	if !res.Pass() {
		return 1
	}
	return 0
}

func serveStub(addr string) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		return 1
	}
	fmt.Printf("http://%s\n", ln.Addr())
	srv := &http.Server{Handler: stub.New(stub.Options{}), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		return 1
	}
	return 0
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
