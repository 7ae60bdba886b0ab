package smoke_test

import (
	"context"
	"errors"
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/failures"
	"litellm-aws/loadtest/internal/smoke"
	"litellm-aws/loadtest/internal/stub"
)

func serve(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// noDNS is a client whose every lookup fails as it does before a new load balancer's name propagates,
// so the DNS case needs no network.
func noDNS() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}}}
}

// patientReadiness is a client that sends the readiness check without its deadline, so that a case
// about the chat completion's timeout does not depend on how fast a busy machine answers readiness.
func patientReadiness(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/health/readiness" {
			r = r.WithContext(context.WithoutCancel(r.Context()))
		}
		return tr.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSmoke(t *testing.T) {
	const key = "sk-test"
	tests := []struct {
		name    string
		url     func(t *testing.T) string
		key     string
		client  *http.Client
		timeout time.Duration
		causes  []failures.Cause // nil: passes
		output  []string
	}{
		{name: "healthy proxy", url: func(t *testing.T) string { return serve(t, stub.New(stub.Options{Key: key})) }, key: key,
			output: []string{"ok    GET", "/health/readiness: 200", "ok    POST", `reply "This is a test response`}},
		{name: "wrong key", url: func(t *testing.T) string { return serve(t, stub.New(stub.Options{Key: key})) }, key: "sk-wrong",
			causes: []failures.Cause{"http 401"}, output: []string{"ok    GET", "FAIL  POST", "HTTP 401", "rejected the master key"}},
		{name: "database not ready", url: func(t *testing.T) string { return serve(t, stub.New(stub.Options{Key: key, NotReady: true})) }, key: key,
			causes: []failures.Cause{"http 503"}, output: []string{"FAIL  GET", "not ready", "ok    POST"}},
		{name: "no healthy target", url: func(t *testing.T) string {
			return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte("<html><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"))
			}))
		}, key: key, causes: []failures.Cause{"http 503", "http 503"}, output: []string{"no healthy target"}},
		{name: "unknown model", url: func(t *testing.T) string {
			return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/health/readiness" {
					w.Write([]byte(`{"status":"healthy"}`))
					return
				}
				http.Error(w, `{"error":{"message":"Invalid model name"}}`, http.StatusBadRequest)
			}))
		}, key: key, causes: []failures.Cause{"http 400"}, output: []string{`does not serve model "fake-openai-endpoint"`}},
		{name: "not a chat completion", url: func(t *testing.T) string {
			return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) }))
		}, key: key, causes: []failures.Cause{failures.Other}, output: []string{"not with an OpenAI chat completion"}},
		{name: "connection refused", url: func(t *testing.T) string {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ln.Close()
			return "http://" + ln.Addr().String()
		}, key: key, causes: []failures.Cause{failures.ConnectionRefused}, output: []string{"nothing accepts connections", "SKIP  chat completion"}},
		{name: "DNS not propagated", url: func(*testing.T) string { return "http://litellm-benchmark-123.us-east-1.elb.amazonaws.com" }, key: key,
			client: noDNS(), causes: []failures.Cause{failures.DNS},
			output: []string{"litellm-benchmark-123.us-east-1.elb.amazonaws.com does not resolve", "propagate", "SKIP"}},
		// The completion never answers in time, and readiness always does, however slow the machine.
		{name: "no answer in time", url: func(t *testing.T) string {
			return serve(t, stub.New(stub.Options{Key: key, Mix: stub.Fixed(time.Minute, 0)}))
		}, key: key, client: patientReadiness(t), timeout: 100 * time.Millisecond, causes: []failures.Cause{failures.Timeout},
			output: []string{"ok    GET", "no answer within 100ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			err := smoke.Run(context.Background(), smoke.Options{URL: tt.url(t), Key: tt.key, Client: tt.client, Timeout: tt.timeout}, &out)
			var got []failures.Cause
			for _, e := range unwrap(err) {
				var p *smoke.Problem
				if !errors.As(e, &p) {
					t.Fatalf("error %v is not a *smoke.Problem", e)
				}
				if p.Hint == "" {
					t.Errorf("problem %v has no hint", p)
				}
				got = append(got, p.Cause)
			}
			if strings.Join(causeStrings(got), ",") != strings.Join(causeStrings(tt.causes), ",") {
				t.Errorf("causes %v, want %v; output:\n%s", got, tt.causes, out.String())
			}
			for _, w := range tt.output {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func unwrap(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func causeStrings(cs []failures.Cause) []string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return s
}
