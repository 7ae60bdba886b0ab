package proxyservice

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingtarget"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// serviceLifecycle: with autoscaling, the running task count belongs to Application Auto Scaling, so
// Terraform must not put desired_count back on the next apply (that would scale in under load).
func (s *ProxyService) serviceLifecycle(p Props) *cdktf.TerraformResourceLifecycle {
	if !p.Autoscaling {
		return nil
	}
	return &cdktf.TerraformResourceLifecycle{IgnoreChanges: &[]*string{jsii.String("desired_count")}}
}

// autoscaling registers the service with Application Auto Scaling and adds target tracking on CPU and,
// when asked, on requests per task.
func (s *ProxyService) autoscaling(p Props) {
	resourceID := fmt.Sprintf("service/%s/%s", *s.ClusterName, *s.ServiceName)
	target := appautoscalingtarget.NewAppautoscalingTarget(s.scope, jsii.String("autoscaling-target"), &appautoscalingtarget.AppautoscalingTargetConfig{
		ServiceNamespace:  jsii.String("ecs"),
		ScalableDimension: jsii.String("ecs:service:DesiredCount"),
		ResourceId:        jsii.String(resourceID),
		MinCapacity:       jsii.Number(p.MinCount),
		MaxCapacity:       jsii.Number(p.MaxCount),
		DependsOn:         &[]cdktf.ITerraformDependable{s.Service},
	})
	policy := func(id, name, metric string, value float64, label *string) {
		appautoscalingpolicy.NewAppautoscalingPolicy(s.scope, jsii.String(id), &appautoscalingpolicy.AppautoscalingPolicyConfig{
			Name:              jsii.String(name),
			PolicyType:        jsii.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace(),
			ScalableDimension: target.ScalableDimension(),
			ResourceId:        target.ResourceId(),
			TargetTrackingScalingPolicyConfiguration: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration{
				TargetValue: jsii.Number(value),
				PredefinedMetricSpecification: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification{
					PredefinedMetricType: jsii.String(metric),
					ResourceLabel:        label,
				},
				// Add tasks quickly under load; remove them slowly, as a new task takes minutes to be ready.
				ScaleOutCooldown: jsii.Number(60),
				ScaleInCooldown:  jsii.Number(300),
			},
		})
	}
	policy("autoscaling-cpu", *s.ServiceName+"-cpu", "ECSServiceAverageCPUUtilization", p.AutoscalingCPUTargetPercent, nil)
	if p.AutoscalingRequestsPerTarget > 0 {
		// The label names the load balancer and target group: app/<alb>/<id>/targetgroup/<tg>/<id>.
		label := jsii.String(*p.LoadBalancer.ArnSuffix + "/" + *p.LoadBalancer.TargetGroupArnSuffix)
		policy("autoscaling-requests", *s.ServiceName+"-requests", "ALBRequestCountPerTarget", float64(p.AutoscalingRequestsPerTarget), label)
	}
}
