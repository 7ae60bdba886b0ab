package stub_test

import (
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/stub"
)

func post(s http.Handler, key string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(`{"model":"m","messages":[]}`))
	req.Header.Set("Authorization", "Bearer "+key)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}

func TestMixIsExactOverAHundredRequests(t *testing.T) {
	s := stub.New(stub.Options{Mix: []stub.Step{
		{Percent: 70, Overhead: time.Millisecond},
		{Percent: 25, Overhead: 2 * time.Millisecond},
		{Percent: 5, Overhead: 5500 * time.Microsecond},
	}})
	got := map[string]int{}
	for range 200 {
		w := post(s, "any")
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		got[w.Header().Get(stub.OverheadHeader)]++
	}
	want := map[string]int{"1.000": 140, "2.000": 50, "5.500": 10}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("overhead %s ms: %d responses, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if s.Requests.Load() != 200 {
		t.Errorf("Requests = %d, want 200", s.Requests.Load())
	}
}

func TestAnswers(t *testing.T) {
	tests := []struct {
		name       string
		opts       stub.Options
		method     string
		path       string
		key        string
		wantStatus int
		wantBody   string
	}{
		{"completion", stub.Options{}, http.MethodPost, "/v1/chat/completions", "k", 200, `"chat.completion"`},
		{"right key", stub.Options{Key: "sk-1"}, http.MethodPost, "/v1/chat/completions", "sk-1", 200, `"choices"`},
		{"wrong key", stub.Options{Key: "sk-1"}, http.MethodPost, "/v1/chat/completions", "sk-2", 401, "Authentication Error"},
		{"forced status", stub.Options{Status: 503}, http.MethodPost, "/v1/chat/completions", "k", 503, "stub failure"},
		{"GET completion", stub.Options{}, http.MethodGet, "/v1/chat/completions", "k", 405, ""},
		{"ready", stub.Options{}, http.MethodGet, "/health/readiness", "", 200, `"healthy"`},
		{"not ready", stub.Options{NotReady: true}, http.MethodGet, "/health/readiness", "", 503, "Unhealthy"},
		{"unknown path", stub.Options{}, http.MethodGet, "/nope", "", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer "+tt.key)
			w := httptest.NewRecorder()
			stub.New(tt.opts).ServeHTTP(w, req)
			if w.Code != tt.wantStatus || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("%s %s = %d %s, want %d containing %q", tt.method, tt.path, w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

func TestLatency(t *testing.T) {
	s := stub.New(stub.Options{Mix: stub.Fixed(30*time.Millisecond, 0)})
	began := time.Now()
	w := post(s, "k")
	if took := time.Since(began); took < 30*time.Millisecond {
		t.Errorf("answered in %s, want at least 30ms", took)
	}
	if h := w.Header().Get(stub.OverheadHeader); h != "" {
		t.Errorf("overhead header %q with no overhead configured", h)
	}
}
