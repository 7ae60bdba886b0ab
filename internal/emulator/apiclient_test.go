package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"net/http"
	"net/url"
	"strings"
	"time"
)

// apiClient calls the emulator's AWS APIs over plain HTTP, so the checks need neither an AWS SDK nor the aws CLI
// (whose v1 sends rds calls to AWS even with AWS_ENDPOINT_URL set). moto does not verify signatures: it routes
// on the service named in the Authorization header's credential scope, so an unsigned header of the right
// shape is enough.
type apiClient struct {
	endpoint string
	http     *http.Client
}

func newAPIClient(endpoint string) *apiClient {
	return &apiClient{endpoint: endpoint, http: &http.Client{Timeout: 30 * time.Second}}
}

// notFoundError is an API error saying the thing asked for does not exist.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

func (c *apiClient) do(service string, req *http.Request) ([]byte, error) {
	now := time.Now().UTC()
	req.Header.Set("X-Amz-Date", now.Format("20060102T150405Z"))
	req.Header.Set("Authorization", fmt.Sprintf(
		"AWS4-HMAC-SHA256 Credential=test/%s/%s/%s/aws4_request, SignedHeaders=host;x-amz-date, Signature=%s",
		now.Format("20060102"), Region, service, strings.Repeat("0", 64)))
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		msg := fmt.Sprintf("%s %s: HTTP %d: %s", service, req.Header.Get("X-Amz-Target"), resp.StatusCode, body)
		if bytes.Contains(body, []byte("NotFound")) || bytes.Contains(body, []byte("NoSuch")) {
			return body, &notFoundError{msg}
		}
		return body, fmt.Errorf("%s", msg)
	}
	return body, nil
}

// query calls an AWS query-protocol API (EC2, IAM, RDS, ElastiCache) and returns the XML answer.
func (c *apiClient) query(service, version, action string, params url.Values) (string, error) {
	form := url.Values{"Action": {action}, "Version": {version}}
	for k, v := range params {
		form[k] = v
	}
	req, err := http.NewRequest(http.MethodPost, c.endpoint+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	body, err := c.do(service, req)
	return string(body), err
}

// jsonCall calls an AWS JSON-protocol API (ECS, Application Auto Scaling) and decodes the answer into out.
func (c *apiClient) jsonCall(service, target string, input, out any) error {
	in, err := json.Marshal(input)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, c.endpoint+"/", bytes.NewReader(in))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	body, err := c.do(service, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s: %v: %s", target, err, body)
	}
	return nil
}

// rest GETs path from a REST API (S3, path style).
func (c *apiClient) rest(service, path string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, c.endpoint+path, nil)
	if err != nil {
		return "", err
	}
	body, err := c.do(service, req)
	return string(body), err
}
