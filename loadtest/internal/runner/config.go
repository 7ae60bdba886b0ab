package runner

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Defaults of the seed's scenario: `locust -u 1000 -r 500` with `wait_time = between(0.1, 0.5)`
// against the proxy's fake-openai-endpoint model.
const (
	DefaultModel            = "fake-openai-endpoint"
	DefaultUsers            = 1000
	DefaultSpawnRate        = 500.0
	DefaultDuration         = 5 * time.Minute
	DefaultWaitMin          = 100 * time.Millisecond
	DefaultWaitMax          = 500 * time.Millisecond
	DefaultTimeout          = 60 * time.Second // Locust's (requests') default network timeout
	DefaultProgressInterval = time.Second
)

// Config is one load test. Zero fields take the defaults above, except URL and Key, which are required
// by the command but not here: a stub may accept any key.
type Config struct {
	// URL is the proxy's base URL (scheme and host, optionally a path prefix); requests go to
	// URL + "/v1/chat/completions".
	URL string
	// Key is the master key sent as "Authorization: Bearer <Key>".
	Key string
	// Model is the model named in each request body. Default: fake-openai-endpoint.
	Model string
	// Users is how many simulated users run at once once all are started. Default: 1000.
	Users int
	// SpawnRate is how many users start per second until Users are running. Default: 500.
	SpawnRate float64
	// Duration is how long the run lasts, ramp-up included, as Locust's --run-time. Default: 5 minutes.
	Duration time.Duration
	// WaitMin and WaitMax bound the uniform think time after each request. Both zero means no wait at all
	// (as in the throughput benchmark); the command's default is 0.1 s to 0.5 s, the seed's between(0.1, 0.5).
	WaitMin, WaitMax time.Duration
	// Timeout bounds each request from sending to the end of its body. Default: 60 s.
	Timeout time.Duration
	// ProgressInterval is how often Progress is called and a timeline point is taken. Default: 1 s.
	ProgressInterval time.Duration
	// TLS configures https connections. Default: the system's roots, server name from the URL.
	TLS *tls.Config
	// Progress, when set, is called every ProgressInterval with the state of the run. It runs on the
	// collector goroutine and should return quickly.
	Progress func(Snapshot)
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.Model == "" {
		c.Model = DefaultModel
	}
	if c.Users == 0 {
		c.Users = DefaultUsers
	}
	if c.SpawnRate == 0 {
		c.SpawnRate = DefaultSpawnRate
	}
	if c.Duration == 0 {
		c.Duration = DefaultDuration
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.ProgressInterval == 0 {
		c.ProgressInterval = DefaultProgressInterval
	}
	return c
}

// Validate reports every problem with c at once. The command checks its flags before building a Config;
// this is the engine's own guard for callers that build one directly.
func (c Config) Validate() error {
	var errs []error
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("URL %q is not valid: want http(s)://host[:port]", c.URL))
	}
	if strings.ContainsAny(c.Key, "\r\n") {
		errs = append(errs, errors.New("Key contains a line break: it would end the Authorization header"))
	}
	if c.Users < 0 {
		errs = append(errs, fmt.Errorf("Users %d is not valid: want at least 1", c.Users))
	}
	if c.SpawnRate < 0 {
		errs = append(errs, fmt.Errorf("SpawnRate %g is not valid: want more than 0 users per second", c.SpawnRate))
	}
	if c.Duration < 0 {
		errs = append(errs, fmt.Errorf("Duration %s is not valid: want more than 0", c.Duration))
	}
	if c.WaitMin < 0 || c.WaitMax < c.WaitMin {
		errs = append(errs, fmt.Errorf("wait %s-%s is not valid: want 0 <= WaitMin <= WaitMax", c.WaitMin, c.WaitMax))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("Timeout %s is not valid: want more than 0", c.Timeout))
	}
	return errors.Join(errs...)
}

// Endpoint is the URL each request is sent to.
func (c Config) Endpoint() string {
	return strings.TrimRight(c.URL, "/") + "/v1/chat/completions"
}

// RequestBody is the seed's body with the configured model:
// {"model": "fake-openai-endpoint", "messages": [{"role": "user", "content": "test"}]}.
func RequestBody(model string) []byte {
	type message struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	type body struct {
		Model    string    `json:"model"`
		Messages []message `json:"messages"`
	}
	b, err := json.Marshal(body{Model: model, Messages: []message{{Role: "user", Content: "test"}}})
	if err != nil {
		panic(err) // two strings cannot fail to marshal
	}
	return b
}
