//go:build unix

package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/cli"
	"litellm-aws/loadtest/internal/stub"
)

// ScreenshotEnv names a file to which TestHTMLReportInChromium copies its screenshot, for the README:
// LOADTEST_REPORT_SCREENSHOT=$PWD/docs/benchmark-report.png go test ./loadtest/internal/cli -run Chromium
const screenshotEnv = "LOADTEST_REPORT_SCREENSHOT"

// browserTimeout bounds each Chromium run; a first start on a cold machine builds its font cache.
const browserTimeout = 90 * time.Second

// chromium finds Debian's Chromium. A machine without it fails the test: the report is what people
// look at, and only a browser shows that it draws.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatalf("Chromium not found (chromium, chromium-browser, /usr/bin/chromium): the HTML report is checked in a real browser; " +
		"install it with: apt-get update && apt-get install -y chromium fonts-liberation")
	return ""
}

// runChromium runs headless Chromium on page with the flags that work as root on a machine without a
// display or network, and returns its standard output. The whole process group is killed at the end,
// so no renderer outlives the test.
func runChromium(t *testing.T, bin, page string, flags ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--force-device-scale-factor=1", "--user-data-dir=" + t.TempDir()}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+page)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // helpers still running after a clean exit
	}
	if err != nil {
		t.Fatalf("chromium %s: %v (timeout %s)\nstderr:\n%s", strings.Join(flags, " "), err, browserTimeout, stderr.String())
	}
	return stdout.Bytes()
}

// realisticStub answers like a LiteLLM proxy in front of a fake endpoint: latencies from 15 to 90 ms
// and overheads from 1 to 11 ms, skewed as real ones are, and one request in 150 failing with 503.
// It returns its URL and the count of requests it has received.
func realisticStub(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	latencies := []int{15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 26, 28, 30, 32, 35, 40, 45, 55, 70, 90}
	overheads := []float64{1, 1.2, 1.4, 1.5, 1.6, 1.8, 2, 2.1, 2.2, 2.4, 2.6, 2.8, 3, 3.3, 3.6, 4, 4.8, 6, 8, 11}
	var mix []stub.Step
	for i := range latencies {
		mix = append(mix, stub.Step{Percent: 5, Latency: time.Duration(latencies[i]) * time.Millisecond,
			Overhead: time.Duration(overheads[i] * float64(time.Millisecond))})
	}
	s := stub.New(stub.Options{Key: "sk-test", Mix: mix})
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%150 == 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":{"message":"stub: no healthy upstream","code":"503"}}`))
			return
		}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// TestHTMLReportInChromium runs the load tester against a loopback stub until all its users have run
// and the stub has received 1,500 requests (ten of them answered 503), writes the HTML report, and has headless
// Chromium draw it: the screenshot must show the charts and the verdict in their colours, and the DOM
// Chromium built must hold the SVG charts and the verdict rows.
func TestHTMLReportInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	url, received := realisticStub(t)
	code, stdout, stderr := runUntil(t, []string{"-url", url, "-users", "100", "-spawn-rate", "50", "-duration", "1m",
		"-wait", "20ms-60ms", "-instances", "2", "-html", page}, map[string]string{cli.KeyEnv: "sk-test"}, false,
		outcome{Stderr: `users 100/100`, Received: 1500, Requests: received})
	if code != cli.ExitOK {
		t.Fatalf("loadtest exited %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	shot := filepath.Join(dir, "report.png")
	runChromium(t, bin, page, "--screenshot="+shot, "--window-size=1280,2000")
	raw, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 2000 {
		t.Errorf("screenshot %dx%d, want 1280x2000", b.Dx(), b.Dy())
	}
	st := pixelStats(img)
	t.Logf("screenshot: %d colours, %.1f%% off the background", st.colours, st.offBackground*100)
	if st.colours < 100 || st.offBackground < 0.08 {
		t.Errorf("the screenshot looks blank: %d colours, %.1f%% of pixels off the background; want 100 and 8%%", st.colours, st.offBackground*100)
	}
	// Each chart's ink, and the verdict banner's, is on screen: colours from the report's palette.
	banner := "#15803d" // pass
	if strings.Contains(stdout, "MISS:") {
		banner = "#b91c1c"
	}
	for name, hex := range map[string]string{"the RPS line": "#0f766e", "the p50 line": "#2563eb", "the p99 line": "#dc2626",
		"the overhead bars": "#0891b2", "the verdict banner": banner} {
		if n := st.near(hex); n < 40 {
			t.Errorf("%s (%s) is not on the screenshot: %d pixels of its colour", name, hex, n)
		}
	}
	if path := os.Getenv(screenshotEnv); path != "" {
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Errorf("%s: %v", screenshotEnv, err)
		}
	}

	dom := string(runChromium(t, bin, page, "--dump-dom"))
	for _, want := range []string{`<svg class="plot"`, `id="chart-rps"`, `id="chart-latency"`, `id="chart-errors"`, `id="chart-overhead"`,
		`<path class="series"`, `<rect class="bar"`, `id="verdict-summary"`, "Verdict against the published figures",
		"<td>latency p99</td>", "<td>overhead p95</td>", "<td>failure rate</td>", "http 503"} {
		if !strings.Contains(dom, want) {
			t.Errorf("Chromium's DOM lacks %q", want)
		}
	}
	if n := strings.Count(dom, `<svg class="plot"`); n != 4 {
		t.Errorf("Chromium's DOM has %d charts, want 4", n)
	}
}

type stats struct {
	colours       int
	offBackground float64
	counts        map[color.RGBA]int
}

func pixelStats(img image.Image) stats {
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			counts[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
		}
	}
	most, total := 0, b.Dx()*b.Dy()
	for _, n := range counts {
		most = max(most, n)
	}
	return stats{colours: len(counts), offBackground: float64(total-most) / float64(total), counts: counts}
}

// near counts the pixels within a small distance of the colour hex (#rrggbb), anti-aliasing aside.
func (s stats) near(hex string) int {
	var r, g, b uint8
	if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b); err != nil {
		panic(err)
	}
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	n := 0
	for c, k := range s.counts {
		if d(c.R, r) <= 12 && d(c.G, g) <= 12 && d(c.B, b) <= 12 {
			n += k
		}
	}
	return n
}
