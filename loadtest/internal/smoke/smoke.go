package smoke

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"litellm-aws/loadtest/internal/failures"
	"litellm-aws/loadtest/internal/runner"
)

// DefaultTimeout bounds each of the two requests.
const DefaultTimeout = 15 * time.Second

// Options are the proxy to check and how.
type Options struct {
	// URL is the proxy's base URL, as for the load test.
	URL string
	// Key is the master key for the chat completion; readiness needs none.
	Key string
	// Model is the model to ask. Default: fake-openai-endpoint.
	Model string
	// Timeout bounds each request. Default: 15 s.
	Timeout time.Duration
	// Client sends the requests. Default: a plain client with Timeout.
	Client *http.Client
}

// Problem is a failed step: what was seen and what usually fixes it.
type Problem struct {
	Step   string         // "readiness" or "chat completion"
	Cause  failures.Cause // why, as the load test would count it
	Detail string         // the error or the status and the start of the body
	Hint   string         // what to check
}

func (p *Problem) Error() string {
	return fmt.Sprintf("%s: %s (%s): %s", p.Step, p.Cause, p.Detail, p.Hint)
}

// Run checks readiness, then one chat completion, and prints a line per step to w. It returns nil when
// both passed, else the problems (each a *Problem) joined. When readiness cannot reach the host at all,
// the completion is not tried: it would fail the same way.
func Run(ctx context.Context, opts Options, w io.Writer) error {
	if opts.Model == "" {
		opts.Model = runner.DefaultModel
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{Timeout: opts.Timeout}
	}
	base := strings.TrimRight(opts.URL, "/")
	host := opts.URL
	if u, err := url.Parse(opts.URL); err == nil && u.Host != "" {
		host = u.Host
	}
	var problems []error

	ready := base + "/health/readiness"
	status, body, elapsed, err := do(ctx, client, opts.Timeout, http.MethodGet, ready, nil, "")
	if p := diagnose("readiness", host, opts, status, body, err); p != nil {
		fmt.Fprintf(w, "FAIL  GET %s: %s\n      %s\n", ready, p.Detail, p.Hint)
		problems = append(problems, p)
		if !p.Cause.IsHTTP() {
			fmt.Fprintf(w, "SKIP  chat completion: the host is not reachable\n")
			return errors.Join(problems...)
		}
	} else {
		fmt.Fprintf(w, "ok    GET %s: %d in %s %s\n", ready, status, round(elapsed), oneLine(body, 120))
	}

	endpoint := base + "/v1/chat/completions"
	status, body, elapsed, err = do(ctx, client, opts.Timeout, http.MethodPost, endpoint, runner.RequestBody(opts.Model), opts.Key)
	p := diagnose("chat completion", host, opts, status, body, err)
	var reply string
	if p == nil {
		reply, err = content(body)
		if err != nil {
			p = &Problem{Step: "chat completion", Cause: failures.Other, Detail: err.Error(),
				Hint: "the server answered 200 but not with an OpenAI chat completion: is the URL the LiteLLM proxy?"}
		}
	}
	if p != nil {
		fmt.Fprintf(w, "FAIL  POST %s: %s\n      %s\n", endpoint, p.Detail, p.Hint)
		problems = append(problems, p)
	} else {
		fmt.Fprintf(w, "ok    POST %s (model %s): %d in %s, reply %q\n", endpoint, opts.Model, status, round(elapsed), reply)
	}
	return errors.Join(problems...)
}

func do(ctx context.Context, client *http.Client, timeout time.Duration, method, target string, body []byte, key string) (int, []byte, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
	}
	began := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, time.Since(began), err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, b, time.Since(began), err
}

// diagnose returns nil for a 2xx answer, else the problem with the hint that fits it.
func diagnose(step, host string, opts Options, status int, body []byte, err error) *Problem {
	if err != nil {
		c := failures.OfError(err)
		return &Problem{Step: step, Cause: c, Detail: err.Error(), Hint: transportHint(c, host, opts.Timeout)}
	}
	if status >= 200 && status < 300 {
		return nil
	}
	p := &Problem{Step: step, Cause: failures.OfStatus(status), Detail: fmt.Sprintf("HTTP %d %s", status, oneLine(body, 160))}
	lower := strings.ToLower(string(body))
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		p.Hint = "the proxy rejected the master key: -key (or LITELLM_MASTER_KEY) must be the key the stack was deployed with, its <stack>-master-key secret"
	case status == http.StatusServiceUnavailable && strings.Contains(lower, "<html"):
		p.Hint = "the load balancer has no healthy target: the ECS tasks are still starting or failing their health check; wait a few minutes, then check the service's events and the task logs"
	case status == http.StatusServiceUnavailable:
		p.Hint = "LiteLLM is running but not ready (usually its database is not reachable yet); wait a minute and retry, then check the task logs"
	case status == http.StatusBadGateway || status == http.StatusGatewayTimeout:
		p.Hint = "the load balancer could not get an answer from a task: tasks are restarting or overloaded; check the ECS service events and task logs"
	case status == http.StatusTooManyRequests:
		p.Hint = "rate limited: the key or model has a requests-per-minute limit lower than this load"
	case status == http.StatusBadRequest || status == http.StatusNotFound:
		p.Hint = fmt.Sprintf("the proxy does not serve model %q at this path: check -model against the proxy's model_list and that the URL is the proxy's base URL", opts.Model)
	default:
		p.Hint = "the proxy answered with an error: see the body above and the task logs"
	}
	return p
}

func transportHint(c failures.Cause, host string, timeout time.Duration) string {
	switch c {
	case failures.DNS:
		return fmt.Sprintf("%s does not resolve: a new load balancer's DNS name can take a few minutes to propagate after deploy; wait and retry, and check the URL against ./help output <stack>", hostname(host))
	case failures.ConnectionRefused:
		return fmt.Sprintf("nothing accepts connections at %s: check the URL's scheme and port (the load balancer listens on 80), or start the proxy", host)
	case failures.Timeout:
		return fmt.Sprintf("no answer within %s: the load balancer's security group may not admit your address, or the proxy is overloaded", timeout)
	case failures.ConnectionReset:
		return "the connection was closed before an answer: the proxy restarted or an idle timeout cut it; retry"
	case failures.TLS:
		return "the TLS handshake failed: use http:// for a plain listener, or check the certificate"
	}
	return "the request could not be sent: check the URL"
}

func hostname(hostport string) string {
	if i := strings.LastIndexByte(hostport, ':'); i > 0 && !strings.Contains(hostport[i:], "]") {
		return hostport[:i]
	}
	return hostport
}

// content reads the first choice's message from an OpenAI chat completion.
func content(body []byte) (string, error) {
	var c struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return "", fmt.Errorf("reply is not JSON: %v", err)
	}
	if len(c.Choices) == 0 {
		return "", fmt.Errorf("reply has no choices: %s", oneLine(body, 120))
	}
	return c.Choices[0].Message.Content, nil
}

func oneLine(b []byte, n int) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

func round(d time.Duration) time.Duration {
	return d.Round(100 * time.Microsecond)
}
