package main

import (
	"reflect"
	"testing"

	"litellm-aws/cost"
)

func TestDeployVars(t *testing.T) {
	s := &cost.Stack{Name: "s", Variables: map[string]cost.Variable{"desired_task_count": {Type: "number"}, "task_cpu": {Type: "number"}}}
	tests := []struct {
		name    string
		args    []string
		environ []string
		want    map[string]string
		wantErr bool
	}{
		{name: "none", want: map[string]string{}},
		{name: "both spellings, other flags ignored",
			args: []string{"--auto-approve", "--var", "desired_task_count=6", "--var=task_cpu=2048", "--var", "redis_auth_token=x=y"},
			want: map[string]string{"desired_task_count": "6", "task_cpu": "2048", "redis_auth_token": "x=y"}},
		{name: "the last one wins", args: []string{"--var", "desired_task_count=6", "--var", "desired_task_count=3"},
			want: map[string]string{"desired_task_count": "3"}},
		{name: "TF_VAR_ for declared variables, --var over it",
			environ: []string{"TF_VAR_desired_task_count=5", "TF_VAR_task_cpu=1024", "TF_VAR_other=1", "HOME=/root"},
			args:    []string{"--var", "task_cpu=2048"},
			want:    map[string]string{"desired_task_count": "5", "task_cpu": "2048"}},
		{name: "a --var with no value", args: []string{"--var"}, wantErr: true},
		{name: "a --var with no =", args: []string{"--var", "desired_task_count"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := deployVars(s, tc.args, tc.environ)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
