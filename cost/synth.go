package cost

import (
	"errors"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/stacks"
)

// Synthesize builds the profiles' stacks in this process, as `./help synth` does, into a temporary
// directory, and reads them back. It starts the jsii runtime (Node.js); the caller stops it with jsii.Close
// once done with jsii for good (a command at exit, tests in TestMain).
func Synthesize(profiles []stacks.Profile) ([]*Stack, error) {
	dir, err := os.MkdirTemp("", "litellm-cost-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(dir)})
	var errs []error
	for _, p := range profiles {
		if _, err := stacks.New(app, p); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	app.Synth()
	out := make([]*Stack, 0, len(profiles))
	for _, p := range profiles {
		s, err := ReadStack(dir, p.StackName)
		if err != nil {
			return nil, err
		}
		s.Source = "cdk.tf.json, synthesized here"
		out = append(out, s)
	}
	return out, nil
}
