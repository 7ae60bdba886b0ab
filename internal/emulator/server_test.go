package emulator

import (
	"net"
	"strings"
	"testing"
	"time"
)

// TestStartAndClose: the emulator answers AWS calls on its loopback endpoint, Environ points clients at it
// without the caller's own AWS settings, and Close ends the process and frees the port.
func TestStartAndClose(t *testing.T) {
	t.Setenv("AWS_PROFILE", "someone-real")
	t.Setenv("AWS_SESSION_TOKEN", "real-token")
	s := Start(t)

	if !strings.HasPrefix(s.Endpoint, "http://127.0.0.1:") {
		t.Errorf("Endpoint = %q, want a loopback URL", s.Endpoint)
	}
	body, err := newAPIClient(s.Endpoint).query("sts", "2011-06-15", "GetCallerIdentity", nil)
	if err != nil || !strings.Contains(body, "<Account>123456789012</Account>") {
		t.Errorf("GetCallerIdentity: %v\n%s", err, body)
	}

	env := strings.Join(s.Environ(), "\n") + "\n"
	for _, want := range []string{"AWS_ENDPOINT_URL=" + s.Endpoint + "\n", "AWS_REGION=us-east-1\n", "AWS_ACCESS_KEY_ID=test\n"} {
		if !strings.Contains(env, want) {
			t.Errorf("Environ lacks %q", strings.TrimSpace(want))
		}
	}
	for _, leak := range []string{"AWS_PROFILE=", "AWS_SESSION_TOKEN="} {
		if strings.Contains(env, leak) {
			t.Errorf("Environ passes the caller's %s through", strings.TrimSuffix(leak, "="))
		}
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.exited:
	case <-time.After(time.Second):
		t.Fatal("the emulator process is still running after Close")
	}
	if conn, err := net.DialTimeout("tcp", s.Endpoint[len("http://"):], time.Second); err == nil {
		conn.Close()
		t.Errorf("%s still accepts connections after Close", s.Endpoint)
	}
}
