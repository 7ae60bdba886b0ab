package stub

import (
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// OverheadHeader is the response header in which LiteLLM reports its own share of the latency.
const OverheadHeader = "x-litellm-overhead-duration-ms"

// Step is one share of a latency mix: Percent of the requests take Latency and report Overhead.
type Step struct {
	Percent  int
	Latency  time.Duration
	Overhead time.Duration
}

// Options shape the stub's answers. The zero value answers every request at once with 200 and no
// overhead header, and accepts any key.
type Options struct {
	// Mix spreads latency and overhead over the requests by arrival order: request n takes the step that
	// holds n mod 100, so any 100 consecutive requests follow the percentages exactly. The percentages
	// must add up to 100. Default: no delay and no overhead header.
	Mix []Step
	// Key is the master key the stub expects as "Bearer <key>"; any other answers 401. Default: any key.
	Key string
	// Status is the status every chat completion answers with. Default: 200.
	Status int
	// NotReady makes /health/readiness answer 503, as LiteLLM does while its database is unreachable.
	NotReady bool
}

// Fixed is a mix where every request takes latency and reports overhead.
func Fixed(latency, overhead time.Duration) []Step {
	return []Step{{Percent: 100, Latency: latency, Overhead: overhead}}
}

// Server is the stub handler; Requests counts the chat completions it has answered or rejected.
type Server struct {
	opts     Options
	steps    [100]Step
	withMix  bool
	seq      atomic.Uint64
	Requests atomic.Int64
}

// New returns a stub with the given options. A mix whose percentages do not add up to 100 is padded
// with (or cut to) its last step, so a typo slows a test down rather than panicking it.
func New(opts Options) *Server {
	s := &Server{opts: opts, withMix: len(opts.Mix) > 0}
	i := 0
	for _, st := range opts.Mix {
		for j := 0; j < st.Percent && i < len(s.steps); j++ {
			s.steps[i] = st
			i++
		}
	}
	for ; s.withMix && i < len(s.steps); i++ {
		s.steps[i] = opts.Mix[len(opts.Mix)-1]
	}
	return s
}

// The body is fixed so the stub costs as little as possible per request: in the runner's benchmark its
// cost is on the same cores as the client's.
var completion = []byte(`{"id":"chatcmpl-stub","object":"chat.completion","created":1700000000,` +
	`"model":"fake-openai-endpoint","choices":[{"index":0,"message":{"role":"assistant",` +
	`"content":"This is a test response from the load test stub."},"finish_reason":"stop"}],` +
	`"usage":{"prompt_tokens":1,"completion_tokens":11,"total_tokens":12}}`)

var (
	readyBody    = []byte(`{"status":"healthy","db":"connected","cache":null,"litellm_version":"stub"}`)
	notReadyBody = []byte(`{"detail":"Service Unhealthy (database not connected)"}`)
	authBody     = []byte(`{"error":{"message":"Authentication Error, Invalid proxy server token passed.","type":"auth_error","param":"None","code":"401"}}`)
	errorBody    = []byte(`{"error":{"message":"stub failure","type":"None","param":"None","code":"500"}}`)
)

// ServeHTTP answers the three paths LiteLLM's load test and smoke check use.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/v1/chat/completions", "/chat/completions":
		s.chat(w, r)
	case "/health/readiness":
		if s.opts.NotReady {
			writeJSON(w, http.StatusServiceUnavailable, notReadyBody)
			return
		}
		writeJSON(w, http.StatusOK, readyBody)
	case "/health/liveliness", "/health/liveness":
		writeJSON(w, http.StatusOK, []byte(`"I'm alive!"`))
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	// Drain the body so the connection stays reusable, as a real server's JSON parsing would.
	_, _ = io.Copy(io.Discard, r.Body)
	s.Requests.Add(1)
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, errorBody)
		return
	}
	if s.opts.Key != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.Key {
		writeJSON(w, http.StatusUnauthorized, authBody)
		return
	}
	var st Step
	if s.withMix {
		st = s.steps[(s.seq.Add(1)-1)%uint64(len(s.steps))]
	}
	if st.Latency > 0 {
		select {
		case <-time.After(st.Latency):
		case <-r.Context().Done():
			return
		}
	}
	if st.Overhead > 0 {
		w.Header().Set(OverheadHeader, strconv.FormatFloat(float64(st.Overhead)/float64(time.Millisecond), 'f', 3, 64))
	}
	if s.opts.Status != 0 && s.opts.Status != http.StatusOK {
		writeJSON(w, s.opts.Status, errorBody)
		return
	}
	writeJSON(w, http.StatusOK, completion)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
