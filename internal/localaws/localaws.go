// Package localaws points a synthesized stack at a local AWS emulator without changing the stack: a Terraform
// override file beside cdk.tf.json sends the provider to the emulator (one list of endpoints, ProviderEndpoints),
// turns off the checks that need real AWS, and keeps the state in a file of its own. The deploy-time scripts
// (the migration task, the wait for a steady service) call the aws CLI, which reads AWS_ENDPOINT_URL from the
// environment Terraform runs in, as the emulator's environment sets it. The stack itself is the one that goes to
// AWS, byte for byte.
package localaws

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
)

// EndpointEnv names the environment variable that asks for the emulator: main writes the override for every
// stack it synthesizes when it is set.
const EndpointEnv = "LITELLM_AWS_ENDPOINT"

// OverrideFile is the override's name in a stack's folder. Terraform reads *_override.tf.json after the
// stack's own files and merges it into them.
const OverrideFile = "zz_emulator_override.tf.json"

// Check allows only loopback URLs: the switch exists for a local emulator, and an emulator elsewhere is not
// something this project may talk to.
func Check(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" && u.Path != "/" {
		return fmt.Errorf("%s=%q is not a URL: allowed http://127.0.0.1:PORT or another loopback address", EndpointEnv, endpoint)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s=%q is not on this machine: allowed loopback addresses only (127.0.0.0/8, localhost, [::1]), for a local AWS emulator", EndpointEnv, endpoint)
	}
	return nil
}

// StateFile is where an emulated stack keeps its state: never the file the same stack uses in AWS.
func StateFile(stack string) string { return fmt.Sprintf("terraform.%s.emulator.tfstate", stack) }

// Override is the Terraform override that sends a stack's provider to the emulator at endpoint and keeps its
// state in StateFile, relative to the project root as the stack's own local backend is (three folders up from
// cdktf.out/stacks/<stack>).
func Override(stack, endpoint string) map[string]any {
	return map[string]any{
		"provider": map[string]any{"aws": []map[string]any{{
			"endpoints":                   []map[string]string{ProviderEndpoints(endpoint)},
			"skip_credentials_validation": true,
			// Not skip_requesting_account_id: the emulator answers the account lookup, and without the account id
			// the provider reads referenced security groups back as "<account>/sg-...", so every plan shows changes.
			"skip_metadata_api_check": "true",
			"s3_use_path_style":       true,
		}}},
		"terraform": map[string]any{"backend": map[string]any{"local": map[string]any{
			"path": "../../../" + StateFile(stack),
		}}},
	}
}

// WriteOverrides writes Override into the folder of every stack under outdir (cdktf.out): stacks/<name>.
func WriteOverrides(outdir, endpoint string) error {
	if err := Check(endpoint); err != nil {
		return err
	}
	dirs, err := os.ReadDir(filepath.Join(outdir, "stacks"))
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		b, err := json.MarshalIndent(Override(d.Name(), endpoint), "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(outdir, "stacks", d.Name(), OverrideFile), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}
