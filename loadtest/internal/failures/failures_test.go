package failures_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"net"
	"os"
	"syscall"
	"testing"

	"litellm-aws/loadtest/internal/failures"
)

func TestOfError(t *testing.T) {
	opErr := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	tests := []struct {
		name string
		err  error
		want failures.Cause
	}{
		{"no error", nil, ""},
		{"context deadline", fmt.Errorf("post: %w", context.DeadlineExceeded), failures.Timeout},
		{"socket deadline", opErr(os.ErrDeadlineExceeded), failures.Timeout},
		{"refused", opErr(os.NewSyscallError("connect", syscall.ECONNREFUSED)), failures.ConnectionRefused},
		{"reset", opErr(os.NewSyscallError("read", syscall.ECONNRESET)), failures.ConnectionReset},
		{"broken pipe", opErr(os.NewSyscallError("write", syscall.EPIPE)), failures.ConnectionReset},
		{"closed before the answer", fmt.Errorf("read: %w", io.EOF), failures.ConnectionReset},
		{"closed mid-answer", io.ErrUnexpectedEOF, failures.ConnectionReset},
		{"no such host", opErr(&net.DNSError{Err: "no such host", Name: "x.elb.amazonaws.com", IsNotFound: true}), failures.DNS},
		{"dns timeout counts as timeout", opErr(&net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}), failures.Timeout},
		{"tls to a plain listener", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, failures.TLS},
		{"anything else", errors.New("malformed HTTP response"), failures.Other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failures.OfError(tt.err); got != tt.want {
				t.Errorf("OfError(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestOfStatus(t *testing.T) {
	tests := []struct {
		name       string
		code       int
		want       failures.Cause
		successful bool
	}{
		{"ok", 200, "http 200", true},
		{"redirect not followed", 307, "http 307", true},
		{"wrong key", 401, "http 401", false},
		{"rate limited", 429, "http 429", false},
		{"not ready", 503, "http 503", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failures.OfStatus(tt.code); got != tt.want || !got.IsHTTP() {
				t.Errorf("OfStatus(%d) = %q (IsHTTP %v), want %q", tt.code, got, got.IsHTTP(), tt.want)
			}
			if got := failures.Successful(tt.code); got != tt.successful {
				t.Errorf("Successful(%d) = %v, want %v", tt.code, got, tt.successful)
			}
		})
	}
	if failures.Timeout.IsHTTP() {
		t.Errorf("timeout reports IsHTTP")
	}
}
