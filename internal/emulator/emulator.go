package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Region is the region the emulator is used in; moto keeps separate state per region.
const Region = "us-east-1"

// StartTimeout bounds how long Start waits for the emulator to answer. moto imports in about 3 s on an idle
// machine; a CI runner busy compiling can take several times that.
const StartTimeout = 2 * time.Minute

// Server is a running emulator.
type Server struct {
	// Endpoint is the emulator's URL, http://127.0.0.1:PORT. Every AWS service answers on it.
	Endpoint string
	// Port is the loopback port the emulator listens on.
	Port int

	cmd       *exec.Cmd
	dir       string        // holds the port file and the server's log
	exited    chan struct{} // closed once the process has been reaped
	closeOnce sync.Once
	closeErr  error
}

// ScriptPath returns the path of emulator/server.py: LITELLM_AWS_EMULATOR_SCRIPT when set, else the copy in the
// source tree this package was built from.
func ScriptPath() (string, error) {
	if p := os.Getenv("LITELLM_AWS_EMULATOR_SCRIPT"); p != "" {
		return p, nil
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate this source file to find emulator/server.py: set LITELLM_AWS_EMULATOR_SCRIPT")
	}
	p := filepath.Join(filepath.Dir(file), "..", "..", "emulator", "server.py")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("emulator/server.py not found next to this package (%v): set LITELLM_AWS_EMULATOR_SCRIPT", err)
	}
	return filepath.Clean(p), nil
}

// Launch starts emulator/server.py on a free loopback port and returns once it answers HTTP. ctx bounds the start
// only; the server runs until Close. The process gets its own process group, and Close ends that group.
func Launch(ctx context.Context) (*Server, error) {
	python, err := exec.LookPath("python3")
	if err != nil {
		// Which moto it needs, emulator/server.py says when it starts (its check_moto).
		return nil, errors.New("python3 is not on PATH: the AWS emulator (emulator/server.py) runs on it")
	}
	script, err := ScriptPath()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "litellm-aws-emulator-")
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer logFile.Close() // the child holds its own descriptor

	portFile := filepath.Join(dir, "port")
	// Port 0: the server binds a port the kernel picks and reports it, so parallel tests never race for one.
	cmd := exec.Command(python, script, "--port", "0", "--port-file", portFile)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting %s %s: %w", python, script, err)
	}
	s := &Server{cmd: cmd, dir: dir, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(s.exited)
	}()

	if err := s.waitReady(ctx, portFile); err != nil {
		msg := s.LogTail()
		s.Close()
		if msg != "" {
			return nil, fmt.Errorf("%w; server output:\n%s", err, msg)
		}
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, portFile string) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the AWS emulator did not answer in time: %w", ctx.Err())
		case <-s.exited:
			return fmt.Errorf("the AWS emulator exited during start (%v)", s.cmd.ProcessState)
		case <-tick.C:
		}
		if s.Port == 0 {
			b, err := os.ReadFile(portFile)
			if err != nil {
				continue // not bound yet: moto is still importing
			}
			port, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil || port <= 0 {
				return fmt.Errorf("the AWS emulator wrote an unusable port %q", b)
			}
			s.Port = port
			s.Endpoint = "http://127.0.0.1:" + strconv.Itoa(port)
		}
		resp, err := client.Get(s.Endpoint + "/moto-api/")
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
	}
}

// Start launches the emulator for a test, fails the test if it cannot, and stops it when the test ends. On a
// failed test the end of the emulator's output goes to the test log.
func Start(t testing.TB) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	s, err := Launch(ctx)
	if err != nil {
		t.Fatalf("starting the AWS emulator: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("AWS emulator output (end):\n%s", s.LogTail())
		}
		if err := s.Close(); err != nil {
			t.Errorf("stopping the AWS emulator: %v", err)
		}
	})
	return s
}

// Close stops the emulator's process group (SIGTERM, then SIGKILL after 10 s) and removes its files. It is safe
// to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		select {
		case <-s.exited:
		default:
			terminateGroup(s.cmd)
			select {
			case <-s.exited:
			case <-time.After(10 * time.Second):
				killGroup(s.cmd)
				<-s.exited
			}
		}
		s.closeErr = os.RemoveAll(s.dir)
	})
	return s.closeErr
}

// LogTail returns the last 4 KiB the server printed (its log is quiet unless LITELLM_AWS_EMULATOR_VERBOSE=1).
func (s *Server) LogTail() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "server.log"))
	if err != nil {
		return ""
	}
	const max = 4 << 10
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return strings.TrimSpace(string(b))
}

// Env returns the variables that point Terraform, the AWS SDKs and the aws CLI at the emulator: fake static
// credentials, the region, AWS_ENDPOINT_URL, no EC2 metadata lookups, and no shared config or credentials file
// (a profile there could carry real credentials or its own endpoint). Prefer Environ, which also drops the
// caller's own AWS_* variables.
//
// The aws CLI v1 ignores AWS_ENDPOINT_URL for rds, docdb, neptune, sqs and emr in us-east-1 and calls AWS
// instead: pass --endpoint-url to it explicitly.
func (s *Server) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_ENDPOINT_URL=" + s.Endpoint,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
	}
}

// Environ returns this process's environment without its AWS_* variables (a session token or profile must not
// reach the emulator's clients), followed by Env. Use it as exec.Cmd.Env.
func (s *Server) Environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, s.Env()...)
}

// SetTaskOutcome decides how the emulator's tasks of a task definition family stop: with exitCode, or, when
// exitCode is nil, before their container ran; reason is the stopped reason ECS reports. One-off tasks (RunTask)
// stop so at once; other families, and this one after ResetTaskOutcome, stop with exit code 0. A service running
// the family never becomes steady while an outcome is set: its deployment reports rolloutState FAILED (the
// circuit breaker) with nothing running, and its STOPPED tasks carry the outcome. Without one, or after
// ResetTaskOutcome, the service's deployment is COMPLETED with every desired task running.
func (s *Server) SetTaskOutcome(family string, exitCode *int, reason string) error {
	return s.postControl("/_emulator/ecs/task-outcome", map[string]any{"family": family, "exitCode": exitCode, "stoppedReason": reason})
}

// ResetTaskOutcome sends a family's one-off tasks back to exit code 0, and its services back to steady.
func (s *Server) ResetTaskOutcome(family string) error {
	return s.postControl("/_emulator/ecs/task-outcome", map[string]any{"family": family})
}

func (s *Server) postControl(path string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	resp, err := http.Post(s.Endpoint+path, "application/json", bytes.NewReader(b))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the emulator answered %s to %s", resp.Status, path)
	}
	return nil
}

// FargateVCPUQuota is the emulated account's Fargate On-Demand vCPU quota (Service Quotas fargate L-3032A538)
// as SetFargateVCPUQuota sets it. The zero value is the emulator's default: a stand-in large enough for every
// stack, answered to both GetServiceQuota and GetAWSDefaultServiceQuota.
type FargateVCPUQuota struct {
	// Value is the account's quota GetServiceQuota answers. Default (nil): the emulator's default.
	Value *float64 `json:"value,omitempty"`
	// Error makes GetServiceQuota fail with this error code, such as "AccessDeniedException". Default: none.
	Error string `json:"error,omitempty"`
	// DefaultError makes GetAWSDefaultServiceQuota fail with this error code. Default: none.
	DefaultError string `json:"defaultError,omitempty"`
}

// SetFargateVCPUQuota sets what the emulator answers for the Fargate On-Demand vCPU quota; the zero
// FargateVCPUQuota goes back to the default.
func (s *Server) SetFargateVCPUQuota(q FargateVCPUQuota) error {
	return s.postControl("/_emulator/servicequotas/quota", q)
}
