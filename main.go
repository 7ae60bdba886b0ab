// Command litellm-aws synthesizes the LiteLLM benchmark deployment: one Terraform stack per scale profile,
// written to cdktf.out/stacks/<stack>/cdk.tf.json.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/stacks"
)

func main() {
	app := cdktf.NewApp(nil)
	// Features that change which resources exist are switched on from the environment (see README).
	profiles, err := stacks.FromEnv(stacks.All(), os.Getenv)
	if err == nil {
		err = build(app, profiles)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	app.Synth()
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
