package facts

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const root = "../.."

func TestParse(t *testing.T) {
	const versions = "terraform-min-version 1.11.0\nterraform-fallback-version 1.11.4\n" +
		"aws-provider-version >= 5.100.0, < 6.0.0\ncdktf-cli-version 0.20.11\n"
	for _, tc := range []struct {
		name string
		text string
		want []string // in the error; none: it parses
	}{
		{"comments and blank lines", "# a comment\n\n  stack litellm-x x 3  \n" + versions, nil},
		{"no stack", versions, []string{"no stack"}},
		{"a version missing", "stack litellm-x x 3\nterraform-min-version 1.11.0\n",
			[]string{"no terraform-fallback-version", "no aws-provider-version", "no cdktf-cli-version"}},
		{"no newline at the end", "stack litellm-x x 3\n" + strings.TrimSuffix(versions, "\n"), []string{"the last line has no newline"}},
		{"every problem at once", "stack litellm-x x\nstack litellm-y y none\nbogus 1\nterraform-min-version\n" + versions,
			[]string{`line 1: stack "litellm-x x": want NAME PROFILE TASKS`, `line 2: stack litellm-y: task count "none"`,
				`line 3: unknown fact "bogus"`, `line 4: "terraform-min-version" has no value`}},
		{"twice", "stack litellm-x x 3\nstack litellm-z x 2\n" + versions + "cdktf-cli-version 0.20.12\n",
			[]string{"line 2: stack litellm-z or profile x is listed twice", "line 7: cdktf-cli-version is given twice"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parse(tc.text)
			if tc.want == nil {
				want := []Stack{{Name: "litellm-x", Profile: "x", TaskCount: 3}}
				if err != nil || !slices.Equal(f.stacks, want) || f.scalars["aws-provider-version"] != ">= 5.100.0, < 6.0.0" {
					t.Errorf("parse = %+v, %v; want %+v and the versions", f, err, want)
				}
				return
			}
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("parse error %v, want it to say %q", err, w)
				}
			}
		})
	}
}

// TestLookups: the stacks as the Go code asks for them.
func TestLookups(t *testing.T) {
	if len(Stacks()) == 0 || !slices.Equal(Profiles(), []string{"benchmark", "two-instance", "eight-instance"}) {
		t.Errorf("Stacks() = %+v, Profiles() = %v", Stacks(), Profiles())
	}
	if s, ok := StackFor("two-instance"); !ok || s.Name != "litellm-two-instance" || s.TaskCount != 2 {
		t.Errorf("StackFor(two-instance) = %+v, %v", s, ok)
	}
	if s, ok := StackNamed("litellm-eight-instance"); !ok || s.Profile != "eight-instance" || s.TaskCount != 8 {
		t.Errorf("StackNamed(litellm-eight-instance) = %+v, %v", s, ok)
	}
	if _, ok := StackNamed("litellm-nine"); ok {
		t.Error("StackNamed found a stack that is not there")
	}
}

// TestBashReadsTheSame: scripts/lib.sh, the file's other reader, gets the same stacks and versions as this package.
func TestBashReadsTheSame(t *testing.T) {
	script := `set -euo pipefail; source scripts/lib.sh
for s in "${STACKS[@]}"; do echo "stack $s ${STACK_PROFILE[$s]} ${STACK_TASKS[$s]}"; done
printf '%s\n' "$TERRAFORM_MIN_VERSION" "$TERRAFORM_FALLBACK_VERSION" "$AWS_PROVIDER_VERSION" "$CDKTF_CLI_VERSION"`
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "LITELLM_AWS_CACHE="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	var want []string
	for _, s := range Stacks() {
		want = append(want, strings.Join([]string{"stack", s.Name, s.Profile, strconv.Itoa(s.TaskCount)}, " "))
	}
	want = append(want, TerraformMinVersion, TerraformFallbackVersion, AWSProviderVersion, CdktfCLIVersion)
	if got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("scripts/lib.sh read\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCdktfCLIMatchesGoMod: the CLI ./help installs is the release of the cdktf Go library the app is built with.
func TestCdktfCLIMatchesGoMod(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*github\.com/hashicorp/terraform-cdk-go/cdktf v(\S+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod does not require github.com/hashicorp/terraform-cdk-go/cdktf")
	}
	if string(m[1]) != CdktfCLIVersion {
		t.Errorf("cdktf-cli-version %s in facts.txt, cdktf v%s in go.mod: keep them the same release", CdktfCLIVersion, m[1])
	}
}
