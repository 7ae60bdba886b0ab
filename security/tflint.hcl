# tflint settings for ./help scan (passed with --config; TFLINT_PLUGIN_DIR points at the AWS ruleset that
# ensure_tflint builds from source). The aws plugin has no source or version on purpose: with them tflint
# would download the plugin from GitHub, which this project's machines cannot reach.
config {
  # cdktf stacks call no modules; "none" also means tflint never asks for terraform init.
  call_module_type = "none"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
}
