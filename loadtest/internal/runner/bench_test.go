package runner_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/runner"
	"litellm-aws/loadtest/internal/stub"
	"litellm-aws/loadtest/internal/targets"
)

// stubProcessEnv, set in the environment of this test binary, makes it serve the stub on that address
// instead of running tests: the benchmark's stub runs in a process of its own, as the proxy would, so
// that the generator's CPU is measured alone and the client shares no Go scheduler with the server.
const stubProcessEnv = "LOADTEST_BENCH_STUB_ADDR"

func TestMain(m *testing.M) {
	if addr := os.Getenv(stubProcessEnv); addr != "" {
		os.Exit(serveStub(addr))
	}
	os.Exit(m.Run())
}

// serveStub serves a zero-latency stub on addr, prints its URL and returns when stdin closes.
func serveStub(addr string) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("http://%s\n", ln.Addr())
	srv := &http.Server{Handler: stub.New(stub.Options{}), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startStub runs this binary as the stub on a loopback port and returns its URL.
func startStub(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), stubProcessEnv+"=127.0.0.1:0")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("the stub process did not start: %v", err)
	}
	return strings.TrimSpace(line)
}

// cpuTime is the CPU this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkClient measures the generator's ceiling for the eight-instance scenario's 1,000 users,
// sending flat out (no think time) to a zero-latency stub in another process on 127.0.0.1. It reports
// the requests per second after the ramp-up and the generator's CPU per request, and logs how far above
// the eight-instance target (2,340 RPS) that is; it asserts nothing about time, which depends on the
// machine. The stub shares the machine's cores, so the rate is a floor; run it alone:
//
//	go test ./loadtest/internal/runner -run '^$' -bench Client -benchtime 1x -count 5
func BenchmarkClient(b *testing.B) {
	url := startStub(b)
	target := targets.For(targets.EightInstance.Instances()).RPS
	var rps, cpuPerRequest float64
	for b.Loop() {
		cpu := cpuTime()
		res, err := runner.Run(context.Background(), runner.Config{URL: url, Key: "sk-bench", Users: runner.DefaultUsers,
			SpawnRate: 1e9, Duration: 5 * time.Second, Timeout: 10 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		if res.FailureCount() != 0 {
			b.Fatalf("%d of %d requests failed (%v): the rate would not be the client's", res.FailureCount(), res.Requests, res.FailureSamples)
		}
		rps, _ = res.RPSAfterRampUp()
		cpuPerRequest = float64(cpuTime()-cpu) / float64(time.Microsecond) / float64(res.Requests)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(cpuPerRequest, "cpu-us/req")
	b.Logf("%d users, GOMAXPROCS %d: %.0f req/s, %.1fx the eight-instance target of %.0f RPS",
		runner.DefaultUsers, runtime.GOMAXPROCS(0), rps, rps/target, target)
}
