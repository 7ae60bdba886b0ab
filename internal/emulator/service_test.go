package emulator

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

const ecsTarget = "AmazonEC2ContainerServiceV20141113."

type deployment struct {
	ID                 string `json:"id"`
	Status             string `json:"status"`
	TaskDefinition     string `json:"taskDefinition"`
	DesiredCount       int    `json:"desiredCount"`
	RunningCount       int    `json:"runningCount"`
	RolloutState       string `json:"rolloutState"`
	RolloutStateReason string `json:"rolloutStateReason"`
}

type service struct {
	ServiceName  string       `json:"serviceName"`
	DesiredCount int          `json:"desiredCount"`
	RunningCount int          `json:"runningCount"`
	Deployments  []deployment `json:"deployments"`
}

type task struct {
	TaskArn       string `json:"taskArn"`
	LastStatus    string `json:"lastStatus"`
	StartedBy     string `json:"startedBy"`
	Group         string `json:"group"`
	StoppedReason string `json:"stoppedReason"`
	Containers    []struct {
		ExitCode *int `json:"exitCode"`
	} `json:"containers"`
}

// ecsFixture is a cluster, a Fargate task definition and the network a service of it runs in.
type ecsFixture struct {
	c                     *apiClient
	cluster, taskDef      string
	subnet, securityGroup string
}

func newECSFixture(t *testing.T, srv *Server, family string) *ecsFixture {
	t.Helper()
	c := newAPIClient(srv.Endpoint)
	id := func(action, tag string, params url.Values) string {
		t.Helper()
		body, err := c.query("ec2", "2016-11-15", action, params)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile("<" + tag + ">([^<]+)</" + tag + ">").FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no %s in:\n%s", action, tag, body)
		}
		return m[1]
	}
	vpc := id("CreateVpc", "vpcId", url.Values{"CidrBlock": {"10.0.0.0/16"}})
	f := &ecsFixture{c: c, cluster: "steady-cluster"}
	f.subnet = id("CreateSubnet", "subnetId", url.Values{"VpcId": {vpc}, "CidrBlock": {"10.0.1.0/24"}})
	f.securityGroup = id("CreateSecurityGroup", "groupId", url.Values{"VpcId": {vpc}, "GroupName": {"steady"}, "GroupDescription": {"steady"}})
	f.call(t, "CreateCluster", map[string]any{"clusterName": f.cluster}, &struct{}{})
	f.taskDef = f.register(t, family)
	return f
}

func (f *ecsFixture) call(t *testing.T, action string, in, out any) {
	t.Helper()
	if err := f.c.jsonCall("ecs", ecsTarget+action, in, out); err != nil {
		t.Fatal(err)
	}
}

func (f *ecsFixture) register(t *testing.T, family string) string {
	t.Helper()
	var out struct {
		TaskDefinition struct {
			TaskDefinitionArn string `json:"taskDefinitionArn"`
		} `json:"taskDefinition"`
	}
	f.call(t, "RegisterTaskDefinition", map[string]any{
		"family": family, "networkMode": "awsvpc", "requiresCompatibilities": []string{"FARGATE"},
		"cpu": "1024", "memory": "2048",
		"containerDefinitions": []map[string]any{{"name": "app", "image": "example/app:1", "essential": true}},
	}, &out)
	return out.TaskDefinition.TaskDefinitionArn
}

func (f *ecsFixture) createService(t *testing.T, name string, desired int) {
	t.Helper()
	f.call(t, "CreateService", map[string]any{
		"cluster": f.cluster, "serviceName": name, "taskDefinition": f.taskDef, "desiredCount": desired,
		"launchType": "FARGATE",
		"networkConfiguration": map[string]any{"awsvpcConfiguration": map[string]any{
			"subnets": []string{f.subnet}, "securityGroups": []string{f.securityGroup}, "assignPublicIp": "DISABLED"}},
		"deploymentConfiguration": map[string]any{"deploymentCircuitBreaker": map[string]any{"enable": true, "rollback": true}},
	}, &struct{}{})
}

func (f *ecsFixture) describe(t *testing.T, name string) service {
	t.Helper()
	var out struct {
		Services []service `json:"services"`
	}
	f.call(t, "DescribeServices", map[string]any{"cluster": f.cluster, "services": []string{name}}, &out)
	if len(out.Services) != 1 {
		t.Fatalf("DescribeServices %s: %d services", name, len(out.Services))
	}
	return out.Services[0]
}

// stoppedTasks lists the service's stopped tasks as `aws ecs list-tasks --service-name --desired-status STOPPED`
// and describe-tasks do.
func (f *ecsFixture) stoppedTasks(t *testing.T, name string) []task {
	t.Helper()
	var list struct {
		TaskArns []string `json:"taskArns"`
	}
	f.call(t, "ListTasks", map[string]any{"cluster": f.cluster, "serviceName": name, "desiredStatus": "STOPPED"}, &list)
	if len(list.TaskArns) == 0 {
		return nil
	}
	var out struct {
		Tasks []task `json:"tasks"`
	}
	f.call(t, "DescribeTasks", map[string]any{"cluster": f.cluster, "tasks": list.TaskArns}, &out)
	return out.Tasks
}

func steady(s service) bool {
	return len(s.Deployments) == 1 && s.Deployments[0].Status == "PRIMARY" && s.Deployments[0].RolloutState == "COMPLETED" &&
		s.RunningCount == s.DesiredCount && s.Deployments[0].RunningCount == s.DesiredCount
}

// TestServiceSteadyByDefault: a service's deployment completes with every desired task running, follows a new
// desired count, and a new task definition starts a new deployment that completes too. No task is stopped.
func TestServiceSteadyByDefault(t *testing.T) {
	srv := Start(t)
	f := newECSFixture(t, srv, "steady-app")
	f.createService(t, "steady-svc", 2)

	s := f.describe(t, "steady-svc")
	if !steady(s) || s.DesiredCount != 2 {
		t.Fatalf("new service is not steady at 2 tasks: %+v", s)
	}
	first := s.Deployments[0].ID

	f.call(t, "UpdateService", map[string]any{"cluster": f.cluster, "service": "steady-svc", "desiredCount": 5}, &struct{}{})
	if s = f.describe(t, "steady-svc"); !steady(s) || s.DesiredCount != 5 || s.Deployments[0].DesiredCount != 5 {
		t.Errorf("after desiredCount 5: %+v", s)
	}

	next := f.register(t, "steady-app")
	f.call(t, "UpdateService", map[string]any{"cluster": f.cluster, "service": "steady-svc", "taskDefinition": next}, &struct{}{})
	s = f.describe(t, "steady-svc")
	if !steady(s) || s.Deployments[0].TaskDefinition != next || s.Deployments[0].ID == first {
		t.Errorf("after a new task definition, want a new completed deployment of %s (not %s): %+v", next, first, s)
	}
	if stopped := f.stoppedTasks(t, "steady-svc"); len(stopped) != 0 {
		t.Errorf("a steady service has stopped tasks: %+v", stopped)
	}
}

// TestServiceTasksFail: with an outcome set for its family, a service's deployment fails (circuit breaker) with
// nothing running, and its stopped tasks, listed by service name, carry the outcome; one-off tasks of other
// families still exit 0. After the outcome is reset the service is steady again.
func TestServiceTasksFail(t *testing.T) {
	srv := Start(t)
	f := newECSFixture(t, srv, "failing-app")
	other := f.register(t, "other-app")
	const pull = "CannotPullContainerError: pull image manifest has been retried 7 time(s): not found"
	if err := srv.SetTaskOutcome("failing-app", nil, pull); err != nil {
		t.Fatal(err)
	}
	f.createService(t, "failing-svc", 8)

	s := f.describe(t, "failing-svc")
	d := s.Deployments[0]
	if d.RolloutState != "FAILED" || !strings.Contains(d.RolloutStateReason, "circuit breaker") || s.RunningCount != 0 || d.RunningCount != 0 {
		t.Fatalf("want a FAILED deployment (circuit breaker) with nothing running: %+v", s)
	}
	stopped := f.stoppedTasks(t, "failing-svc")
	if len(stopped) != 4 { // half of 8, the circuit breaker's threshold
		t.Fatalf("%d stopped tasks, want 4: %+v", len(stopped), stopped)
	}
	for _, tk := range stopped {
		if tk.LastStatus != "STOPPED" || tk.StoppedReason != pull || tk.StartedBy != d.ID || tk.Group != "service:failing-svc" ||
			len(tk.Containers) != 1 || tk.Containers[0].ExitCode != nil {
			t.Errorf("stopped task %+v: want STOPPED by %q, started by %s in group service:failing-svc, no exit code", tk, pull, d.ID)
		}
	}
	// Describing again starts no more tasks for the same deployment.
	f.describe(t, "failing-svc")
	if n := len(f.stoppedTasks(t, "failing-svc")); n != 4 {
		t.Errorf("after a second describe: %d stopped tasks, want still 4", n)
	}

	// An essential container that exits: its exit code, for a new deployment's tasks.
	one := 1
	if err := srv.SetTaskOutcome("failing-app", &one, "Essential container in task exited"); err != nil {
		t.Fatal(err)
	}
	f.call(t, "UpdateService", map[string]any{"cluster": f.cluster, "service": "failing-svc", "forceNewDeployment": true}, &struct{}{})
	s = f.describe(t, "failing-svc")
	if s.Deployments[0].RolloutState != "FAILED" || s.Deployments[0].ID == d.ID {
		t.Fatalf("want a new FAILED deployment: %+v", s)
	}
	exited := 0
	for _, tk := range f.stoppedTasks(t, "failing-svc") {
		if tk.StartedBy == s.Deployments[0].ID {
			exited++
			if tk.StoppedReason != "Essential container in task exited" || tk.Containers[0].ExitCode == nil || *tk.Containers[0].ExitCode != 1 {
				t.Errorf("task of the new deployment %+v: want exit code 1", tk)
			}
		}
	}
	if exited != 4 {
		t.Errorf("%d stopped tasks of the new deployment, want 4", exited)
	}

	// One-off tasks of another family are as before: stopped with exit code 0.
	var run struct {
		Tasks []task `json:"tasks"`
	}
	f.call(t, "RunTask", map[string]any{"cluster": f.cluster, "taskDefinition": other, "launchType": "FARGATE", "count": 1,
		"networkConfiguration": map[string]any{"awsvpcConfiguration": map[string]any{
			"subnets": []string{f.subnet}, "securityGroups": []string{f.securityGroup}}}}, &run)
	if len(run.Tasks) != 1 || run.Tasks[0].LastStatus != "STOPPED" || run.Tasks[0].Containers[0].ExitCode == nil || *run.Tasks[0].Containers[0].ExitCode != 0 {
		t.Errorf("one-off task of another family: %+v, want STOPPED with exit code 0", run.Tasks)
	}

	if err := srv.ResetTaskOutcome("failing-app"); err != nil {
		t.Fatal(err)
	}
	if s = f.describe(t, "failing-svc"); !steady(s) || s.RunningCount != 8 {
		t.Errorf("after the outcome is reset, want a steady service at 8 tasks: %+v", s)
	}
}
