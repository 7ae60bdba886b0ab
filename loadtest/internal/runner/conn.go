package runner

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"
)

// The engine speaks HTTP/1.1 itself over one persistent connection per user instead of going through
// net/http's Transport: the Transport hands every request between three goroutines (caller, writeLoop,
// readLoop), which on two cores capped the tester at a third of wrk's rate. Here the user's goroutine
// writes the pre-built request and parses the answer with http.ReadResponse, so framing (Content-Length,
// chunked, Connection: close) is still net/http's. Unlike Locust's requests session it ignores
// HTTP_PROXY: a load test measures the path to the proxy, not to a forward proxy.

// target is where every request goes and the bytes of that request.
type target struct {
	addr    string      // host:port to dial
	tls     *tls.Config // nil for http
	request []byte      // the whole request: line, headers, body
}

func newTarget(cfg Config, users int) (*target, error) {
	u, err := url.Parse(cfg.Endpoint())
	if err != nil {
		return nil, err
	}
	port := u.Port()
	t := &target{}
	switch u.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
		t.tls = &tls.Config{}
		if cfg.TLS != nil {
			t.tls = cfg.TLS.Clone()
		}
		if t.tls.ServerName == "" {
			t.tls.ServerName = u.Hostname()
		}
		// Resumed sessions keep a reconnect (after a keep-alive timeout) from costing a full handshake.
		if t.tls.ClientSessionCache == nil {
			t.tls.ClientSessionCache = tls.NewLRUClientSessionCache(users)
		}
	default:
		return nil, fmt.Errorf("URL scheme %q: want http or https", u.Scheme)
	}
	t.addr = net.JoinHostPort(u.Hostname(), port)
	body := RequestBody(cfg.Model)
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: litellm-aws-loadtest\r\n", u.RequestURI(), u.Host)
	fmt.Fprintf(&b, "Authorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", cfg.Key, len(body))
	b.Write(body)
	t.request = b.Bytes()
	return t, nil
}

// aLongTimeAgo is a deadline in the past: setting it makes blocked reads and writes return at once.
var aLongTimeAgo = time.Unix(1, 0)

// conn is one user's connection, dialled on first use and again after the server closes it.
type conn struct {
	t      *target
	ctx    context.Context // the run: its end aborts whatever the connection is doing
	nc     net.Conn
	br     *bufio.Reader
	stop   func() bool // unregisters the abort-on-end hook
	reused bool        // the connection has answered before, so it may have gone stale while idle
}

// response is what the engine needs from an answer.
type response struct {
	status   int
	statusLn string
	overhead string // OverheadHeader's value
	head     []byte // the start of the body of an unsuccessful answer, for the failure sample
}

// errStale marks a reused connection that the server had closed while it sat idle.
var errStale = errors.New("stale keep-alive connection")

// do sends the request and reads the whole answer before deadline. A reused connection that turns out
// closed before any byte of the answer arrives is redialled once, as net/http does for idle connections
// the server closed: that is the keep-alive timeout at work, not a failure of the proxy.
func (c *conn) do(deadline time.Time) (response, error) {
	for attempt := 0; ; attempt++ {
		if c.nc == nil {
			if err := c.dial(deadline); err != nil {
				return response{}, err
			}
		}
		resp, err := c.roundTrip(deadline)
		if err == nil {
			return resp, nil
		}
		c.close()
		if attempt == 0 && errors.Is(err, errStale) {
			continue
		}
		return resp, err
	}
}

func (c *conn) dial(deadline time.Time) error {
	d := net.Dialer{Deadline: deadline, KeepAlive: 30 * time.Second}
	nc, err := d.DialContext(c.ctx, "tcp", c.t.addr)
	if err != nil {
		return err
	}
	if c.t.tls != nil {
		tc := tls.Client(nc, c.t.tls)
		_ = tc.SetDeadline(deadline)
		if err := tc.HandshakeContext(c.ctx); err != nil {
			nc.Close()
			return err
		}
		nc = tc
	}
	c.nc = nc
	if c.br == nil {
		c.br = bufio.NewReaderSize(nc, 4096)
	} else {
		c.br.Reset(nc)
	}
	c.stop = context.AfterFunc(c.ctx, func() { _ = nc.SetDeadline(aLongTimeAgo) })
	c.reused = false
	return nil
}

func (c *conn) roundTrip(deadline time.Time) (response, error) {
	_ = c.nc.SetDeadline(deadline)
	// The end of the run may have fired its hook just before this deadline replaced the one it set.
	if err := c.ctx.Err(); err != nil {
		return response{}, err
	}
	stale := func(err error) error {
		if c.reused && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)) {
			return fmt.Errorf("%w: %w", errStale, err)
		}
		return err
	}
	if _, err := c.nc.Write(c.t.request); err != nil {
		return response{}, stale(err)
	}
	if _, err := c.br.Peek(1); err != nil {
		return response{}, stale(err)
	}
	r, err := http.ReadResponse(c.br, nil)
	// Skip interim answers (103 Early Hints); nothing here asks for 100 Continue.
	for err == nil && r.StatusCode >= 100 && r.StatusCode < 200 && r.StatusCode != http.StatusSwitchingProtocols {
		r, err = http.ReadResponse(c.br, nil)
	}
	if err != nil {
		return response{}, err
	}
	resp := response{status: r.StatusCode, statusLn: r.Status, overhead: r.Header.Get(OverheadHeader)}
	if r.StatusCode >= http.StatusBadRequest {
		resp.head, _ = io.ReadAll(io.LimitReader(r.Body, maxSampleLength))
	}
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		return response{}, err
	}
	r.Body.Close()
	c.reused = true
	if r.Close {
		c.close()
	}
	return resp, nil
}

func (c *conn) close() {
	if c.nc == nil {
		return
	}
	c.stop()
	c.nc.Close()
	c.nc = nil
}
