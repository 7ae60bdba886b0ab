// Package s3test serves the little of S3 that package upload uses, PutObject addressed path-style, on
// loopback, for tests: it keeps what was put and can refuse a bucket as S3 refuses a role without access.
package s3test

import (
	"crypto/md5"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Server is a fake S3 endpoint.
type Server struct {
	// URL is the endpoint, for AWS_ENDPOINT_URL.
	URL string

	mu      sync.Mutex
	objects map[string]Object // by "bucket/key"
	denied  map[string]bool
}

// Object is what one PutObject stored.
type Object struct {
	Body        []byte
	ContentType string
	// Signed says the request carried SigV4 credentials for the s3 service.
	Signed bool
}

// New starts a server that lives until the test ends.
func New(t testing.TB) *Server {
	s := &Server{objects: map[string]Object{}, denied: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Deny makes every request to bucket fail with 403 AccessDenied.
func (s *Server) Deny(bucket string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[bucket] = true
}

// Objects returns a copy of what was stored, by "bucket/key".
func (s *Server) Objects() map[string]Object {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Object, len(s.objects))
	for k, v := range s.objects {
		out[k] = v
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	s.mu.Lock()
	denied := s.denied[bucket]
	s.mu.Unlock()
	if denied {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
		return
	}
	if r.Method != http.MethodPut || key == "" {
		w.WriteHeader(http.StatusNotImplemented)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	// The SDK may send the body aws-chunked with a trailing checksum; keep the payload only.
	if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
		body = dechunk(body)
	}
	auth := r.Header.Get("Authorization")
	s.mu.Lock()
	s.objects[bucket+"/"+key] = Object{Body: body, ContentType: r.Header.Get("Content-Type"),
		Signed: strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=") && strings.Contains(auth, "/s3/aws4_request")}
	s.mu.Unlock()
	w.Header().Set("ETag", fmt.Sprintf(`"%x"`, md5.Sum(body)))
	w.WriteHeader(http.StatusOK)
}

// dechunk reads an aws-chunked body: hex size lines (with optional ;chunk-signature), data, then trailers.
func dechunk(b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		line, rest, ok := strings.Cut(string(b), "\r\n")
		if !ok {
			break
		}
		sizeHex, _, _ := strings.Cut(line, ";")
		var n int
		if _, err := fmt.Sscanf(sizeHex, "%x", &n); err != nil || n == 0 || n > len(rest) {
			break
		}
		out = append(out, rest[:n]...)
		b = []byte(strings.TrimPrefix(rest[n:], "\r\n"))
	}
	return out
}
