package runner

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// client sends the scenario's request through one net/http Transport shared by every user, tuned to
// behave like Locust's per-user sessions: HTTP/1.1 only, keep-alive, as many connections (busy and
// idle) as there are users, no compression. Unlike Locust it ignores HTTP_PROXY: a load test measures
// the path to the proxy, not to a forward proxy. It follows no redirect: a 3xx counts as an answer.
//
// The Transport costs about three times the CPU per request of speaking HTTP/1.1 by hand (it hands each
// request between three goroutines), but BenchmarkClient keeps it several times above the highest
// target, eight instances' 2,340 RPS, and framing, interim answers, TLS and redialling are net/http's.
type client struct {
	transport *http.Transport
	url       *url.URL
	header    http.Header // shared by every request, which only reads it
	body      []byte
}

// response is what the engine needs from an answer.
type response struct {
	status   int
	statusLn string
	overhead string // OverheadHeader's value
	head     []byte // the start of the body of an unsuccessful answer, for the failure sample
}

// errTimeout is the cause a request's deadline reports: the context's own "deadline exceeded" does not
// say which deadline, and the run's end is one too.
var errTimeout = fmt.Errorf("timeout: no whole answer within the request timeout (%w)", context.DeadlineExceeded)

func newClient(cfg Config) (*client, error) {
	u, err := url.Parse(cfg.Endpoint())
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("URL scheme %q: want http or https", u.Scheme)
	}
	tlsConfig := &tls.Config{}
	if cfg.TLS != nil {
		tlsConfig = cfg.TLS.Clone()
	}
	// Resumed sessions keep a reconnect (after a keep-alive timeout) from costing a full handshake.
	if tlsConfig.ClientSessionCache == nil {
		tlsConfig.ClientSessionCache = tls.NewLRUClientSessionCache(cfg.Users)
	}
	var http1 http.Protocols
	http1.SetHTTP1(true)
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     tlsConfig,
		Protocols:           &http1,
		DisableCompression:  true,
		MaxIdleConns:        cfg.Users,
		MaxIdleConnsPerHost: cfg.Users,
		MaxConnsPerHost:     cfg.Users,
		// No idle timeout of its own: a connection lasts until the server closes it, as Locust's do.
	}
	header := http.Header{
		"User-Agent":    {"litellm-aws-loadtest"},
		"Authorization": {"Bearer " + cfg.Key},
		"Content-Type":  {"application/json"},
		// Marks the POST as safe to send again, unsent (a nil value is never written): a reused connection
		// that the server closed while it sat idle is redialled, not counted as a failure. That is the
		// keep-alive timeout at work, not the proxy failing.
		"X-Idempotency-Key": nil,
	}
	return &client{transport: transport, url: u, header: header, body: RequestBody(cfg.Model)}, nil
}

// do sends one request and reads the whole answer before deadline, or until ctx ends.
func (c *client) do(ctx context.Context, deadline time.Time) (response, error) {
	ctx, cancel := context.WithDeadlineCause(ctx, deadline, errTimeout)
	defer cancel()
	req := (&http.Request{
		Method:        http.MethodPost,
		URL:           c.url,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        c.header,
		Host:          c.url.Host,
		ContentLength: int64(len(c.body)),
		Body:          io.NopCloser(bytes.NewReader(c.body)),
		GetBody: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(c.body)), nil
		},
	}).WithContext(ctx)
	r, err := c.transport.RoundTrip(req)
	if err != nil {
		return response{}, err
	}
	defer r.Body.Close()
	resp := response{status: r.StatusCode, statusLn: r.Status, overhead: r.Header.Get(OverheadHeader)}
	if r.StatusCode >= http.StatusBadRequest {
		resp.head, _ = io.ReadAll(io.LimitReader(r.Body, maxSampleLength))
	}
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		return response{}, err
	}
	return resp, nil
}

// close ends the connections left once every user has stopped.
func (c *client) close() { c.transport.CloseIdleConnections() }
