// Command litellm-aws synthesizes the LiteLLM benchmark deployment: one Terraform stack per scale profile,
// written to cdktf.out/stacks/<stack>/cdk.tf.json.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/localaws"
	"litellm-aws/stacks"
)

func main() {
	app := cdktf.NewApp(nil)
	// Features that change which resources exist are switched on from the environment (see README).
	profiles, err := stacks.FromEnv(stacks.All(), os.Getenv)
	endpoint, endpointErr := emulatorEndpoint(os.Getenv)
	err = errors.Join(err, endpointErr)
	if err == nil {
		err = build(app, profiles)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	app.Synth()
	// The emulator is an override beside each stack, not a change to it: the stacks are the ones AWS gets.
	if endpoint != "" {
		if err := localaws.WriteOverrides(*app.Outdir(), endpoint); err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			os.Exit(1)
		}
	}
}

// build adds every profile's stack to the app, reporting the problems of all of them at once.
func build(app cdktf.App, profiles []stacks.Profile) error {
	var errs []error
	for _, p := range profiles {
		if _, err := stacks.New(app, p); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// emulatorEndpoint is the local emulator the stacks are synthesized for (LITELLM_AWS_ENDPOINT), or "" for AWS.
func emulatorEndpoint(getenv func(string) string) (string, error) {
	endpoint := getenv(localaws.EndpointEnv)
	if endpoint == "" {
		return "", nil
	}
	err := localaws.Check(endpoint)
	if getenv("LITELLM_STATE_BUCKET") != "" {
		err = errors.Join(err, fmt.Errorf("%s with LITELLM_STATE_BUCKET: allowed one or the other; an emulated stack keeps its state in a local file", localaws.EndpointEnv))
	}
	return endpoint, err
}
