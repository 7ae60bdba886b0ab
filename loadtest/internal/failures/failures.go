package failures

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
)

// Cause is a short, stable name for why a request failed; it is a key of the report's JSON.
type Cause string

// The causes a transport error can have. HTTP failures are named by status code instead (see OfStatus).
const (
	Timeout           Cause = "timeout"
	ConnectionRefused Cause = "connection refused"
	ConnectionReset   Cause = "connection reset"
	DNS               Cause = "dns"
	TLS               Cause = "tls"
	Other             Cause = "other"
)

// OfStatus names an unsuccessful HTTP status ("http 401", "http 503"). Each code keeps its own cause
// because they mean different things here: 401 a wrong key, 429 a rate limit, 502/503 no healthy target.
func OfStatus(code int) Cause {
	return Cause(fmt.Sprintf("http %d", code))
}

// IsHTTP reports whether c came from a status code rather than a transport error.
func (c Cause) IsHTTP() bool {
	return len(c) > 5 && c[:5] == "http "
}

// OfError names a transport error from an http.Client. The order matters: a dial timeout is both a
// net.OpError and a timeout, and the timeout is what the user needs to hear about.
func OfError(err error) Cause {
	var dnsErr *net.DNSError
	var netErr net.Error
	var recordErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &dnsErr) && !dnsErr.IsTimeout:
		return DNS
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return Timeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return ConnectionRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ConnectionReset
	case errors.As(err, &recordErr), errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return TLS
	default:
		return Other
	}
}

// Successful reports whether a status counts as success; like Locust, anything from 400 up is a failure.
func Successful(code int) bool {
	return code < http.StatusBadRequest
}
