package preflight

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"litellm-aws/internal/emulator"
)

// TestCheckAgainstTheEmulator runs the AWS side of the preflight against the local emulator, which answers
// the Fargate On-Demand vCPU quota as each case sets it. Every client is sent to the emulator: no case
// reaches AWS.
func TestCheckAgainstTheEmulator(t *testing.T) {
	peak, err := Compute(stackFor(t, "litellm-eight-instance", false), nil)
	if err != nil {
		t.Fatal(err)
	}
	if peak.VCPU() != 49 {
		t.Fatalf("eight-instance peak %g vCPU, want 49", peak.VCPU())
	}
	srv := emulator.Start(t)
	for _, kv := range srv.Env() {
		name, value, _ := strings.Cut(kv, "=")
		t.Setenv(name, value)
	}
	// Nothing from this shell may lend the SDK other credentials or another endpoint.
	for _, name := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(name, "")
	}
	value := func(v float64) *float64 { return &v }
	noEnv := func(string) string { return "" }

	tests := []struct {
		name   string
		quota  emulator.FargateVCPUQuota
		env    map[string]string // set for the case (empty: unset)
		getenv func(string) string
		// wantErr: parts of the error; none when the deploy may go ahead. wantWarn: parts of a warning.
		wantErr  []string
		wantWarn string
		quotaIs  float64
		source   string
	}{
		{name: "quota enough (the emulator's default)", quotaIs: 4000, source: "the account's quota"},
		{name: "quota exactly the peak", quota: emulator.FargateVCPUQuota{Value: value(49)}, quotaIs: 49, source: "the account's quota"},
		{name: "quota too low", quota: emulator.FargateVCPUQuota{Value: value(32)}, quotaIs: 32, source: "the account's quota",
			wantErr: []string{
				"stack litellm-eight-instance needs up to 49 Fargate vCPU at once",
				"the account's quota in us-east-1 (Fargate On-Demand vCPU resource count, L-3032A538) is 32 vCPU",
				"8 tasks (desired_count) x 150% (deployment_maximum_percent), rounded down = 12 tasks during a deployment x 4 vCPU = 48 vCPU",
				"aws service-quotas request-service-quota-increase --service-code fargate --quota-code L-3032A538 --desired-value 49 --region us-east-1",
				"Nothing was created",
			}},
		{name: "account's quota denied: AWS's default, with a warning", quota: emulator.FargateVCPUQuota{Error: "AccessDeniedException"},
			quotaIs: 4000, source: "AWS's default quota",
			wantWarn: "could not read the account's Fargate On-Demand vCPU quota (AccessDeniedException: "},
		{name: "no quota readable: a warning, and the deploy goes ahead",
			quota:    emulator.FargateVCPUQuota{Error: "AccessDeniedException", DefaultError: "ServiceException"},
			wantWarn: "make sure it is at least 49 in us-east-1 yourself"},
		{name: "no credentials", env: map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""},
			wantErr: []string{"no AWS credentials", "set AWS_PROFILE", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", "nothing was created"}},
		{name: "the shell asks for another region", getenv: func(k string) string { return map[string]string{"AWS_REGION": "eu-west-1"}[k] },
			wantErr: []string{"AWS_REGION is eu-west-1, but stack litellm-eight-instance deploys to us-east-1", "unset AWS_REGION or set it to us-east-1"}},
		{name: "AWS_DEFAULT_REGION too", getenv: func(k string) string { return map[string]string{"AWS_DEFAULT_REGION": "us-west-2"}[k] },
			wantErr: []string{"AWS_DEFAULT_REGION is us-west-2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := srv.SetFargateVCPUQuota(tc.quota); err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			getenv := tc.getenv
			if getenv == nil {
				getenv = noEnv
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := Check(ctx, peak, Options{Endpoint: srv.Endpoint, Getenv: getenv})
			if len(tc.wantErr) == 0 && err != nil {
				t.Fatalf("want no error, got %v", err)
			}
			for _, want := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("want an error with %q, got %v", want, err)
				}
			}
			if strings.Contains(tc.name, "too low") && !errors.As(err, new(QuotaError)) {
				t.Errorf("want a QuotaError, got %T", err)
			}
			warnings := strings.Join(res.Warnings, "\n")
			if tc.wantWarn == "" && warnings != "" {
				t.Errorf("want no warning, got %s", warnings)
			}
			if tc.wantWarn != "" && !strings.Contains(warnings, tc.wantWarn) {
				t.Errorf("want a warning with %q, got %q", tc.wantWarn, warnings)
			}
			if res.Quota != tc.quotaIs || res.QuotaSource != tc.source {
				t.Errorf("quota: got %g (%q), want %g (%q)", res.Quota, res.QuotaSource, tc.quotaIs, tc.source)
			}
			if err == nil && res.Account == "" {
				t.Errorf("no account id from GetCallerIdentity: %+v", res)
			}
		})
	}
}
