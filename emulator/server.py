#!/usr/bin/env python3
"""Local AWS emulator for Terraform: moto's server, patched where hashicorp/aws 5.x needs more than moto 5.2 does.

    python3 emulator/server.py [--port N] [--port-file PATH] [--detach] [--verbose]

Listens on 127.0.0.1 only. With --port 0 (the default) the kernel picks a free port, so parallel callers never race
for one; the port is printed as "listening on http://127.0.0.1:PORT" and, with --port-file, written to PATH once
the socket accepts connections.

Each patch_* function below replaces methods on moto's classes before the first request, so every backend the
server creates afterwards behaves as patched. Its docstring names the provider behaviour it serves; drop a patch
when moto does the same by itself.
"""

import argparse
import json
import logging
import os
import random
import signal
import string
import sys

# The moto the patches are written for; check_moto is the one check of it (./help's need_moto runs --check, and
# internal/emulator reports this script's exit message).
REQUIRED_MOTO_MAJOR = 5

# What AWS picks when CreateReplicationGroup or CreateCacheCluster names no engine version.
DEFAULT_CACHE_ENGINE_VERSIONS = {"redis": "7.1.0", "valkey": "8.0.1", "memcached": "1.6.22"}


def patch_application_autoscaling():
    """Tags on scalable targets.

    aws_appautoscaling_target reads its tags with ListTagsForResource after every create and refresh. moto 5.2 has
    no tagging operations for this service at all, answers HTTP 500 (NotImplementedError), and the provider
    retries a 500 for minutes before it fails. Tags passed to RegisterScalableTarget are kept, as AWS does.
    """
    from moto.applicationautoscaling import models, responses
    from moto.core.exceptions import JsonRESTError
    from moto.utilities.tagging_service import TaggingService

    backend_cls = models.ApplicationAutoscalingBackend
    response_cls = responses.ApplicationAutoScalingResponse

    original_init = backend_cls.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.tagging_service = TaggingService()

    backend_cls.__init__ = __init__

    def find_target_arn(backend, arn):
        for by_resource in backend.targets.values():
            for target in by_resource.values():
                if target.arn == arn:
                    return arn
        raise JsonRESTError("ResourceNotFoundException", f"No scalable target found for ARN {arn}")

    def as_tag_list(tags):
        return [{"Key": k, "Value": v} for k, v in (tags or {}).items()]

    original_deregister = backend_cls.deregister_scalable_target

    def deregister_scalable_target(self, namespace, r_id, dimension):
        target = self.targets.get(dimension, {}).get(r_id)
        original_deregister(self, namespace, r_id, dimension)
        if target is not None:
            self.tagging_service.delete_all_tags_for_resource(target.arn)

    backend_cls.deregister_scalable_target = deregister_scalable_target

    original_register_response = response_cls.register_scalable_target

    def register_scalable_target_response(self):
        body = original_register_response(self)
        tags = self._get_param("Tags")
        if tags:
            backend = self.applicationautoscaling_backend
            target = backend.targets[self._get_param("ScalableDimension")][self._get_param("ResourceId")]
            backend.tagging_service.tag_resource(target.arn, as_tag_list(tags))
        return body

    def list_tags_for_resource(self):
        backend = self.applicationautoscaling_backend
        arn = find_target_arn(backend, self._get_param("ResourceARN"))
        return json.dumps({"Tags": backend.tagging_service.get_tag_dict_for_resource(arn)})

    def tag_resource(self):
        backend = self.applicationautoscaling_backend
        arn = find_target_arn(backend, self._get_param("ResourceARN"))
        backend.tagging_service.tag_resource(arn, as_tag_list(self._get_param("Tags")))
        return "{}"

    def untag_resource(self):
        backend = self.applicationautoscaling_backend
        arn = find_target_arn(backend, self._get_param("ResourceARN"))
        backend.tagging_service.untag_resource_using_names(arn, self._get_param("TagKeys") or [])
        return "{}"

    response_cls.register_scalable_target = register_scalable_target_response
    response_cls.list_tags_for_resource = list_tags_for_resource
    response_cls.tag_resource = tag_resource
    response_cls.untag_resource = untag_resource


def patch_rds():
    """A distinct DbiResourceId per DB instance; monitoring, Performance Insights and parameter sources read back.

    - moto 5.2 hard-codes one DbiResourceId for every instance. Since provider 5.0 the id of aws_db_instance is
      the DbiResourceId and every read filters on it, so two instances in one config cannot be told apart.
    - moto 5.2 drops MonitoringInterval, MonitoringRoleArn and EnablePerformanceInsights, so an instance with
      enhanced monitoring or Performance Insights re-plans forever.
    - moto 5.2 returns the parameters set on a DB parameter group without Source "user", and the provider keeps
      only those, so every aws_db_parameter_group with a parameter block re-plans forever.
    """
    from moto.rds import models

    original_init = models.DBInstance.__init__
    original_update = models.DBInstance.update
    alphabet = string.ascii_uppercase + string.digits

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.dbi_resource_id = "db-" + "".join(random.choices(alphabet, k=26))
        self.monitoring_interval = kwargs.get("monitoring_interval") or 0
        self.monitoring_role_arn = kwargs.get("monitoring_role_arn")
        set_performance_insights(self, kwargs)

    def update(self, *args, **kwargs):
        original_update(self, *args, **kwargs)
        set_performance_insights(self, kwargs)

    def set_performance_insights(instance, kwargs):
        enabled = kwargs.get("enable_performance_insights")
        if enabled is None:
            if not hasattr(instance, "performance_insights_enabled"):
                instance.performance_insights_enabled = False
            return
        instance.performance_insights_enabled = bool(enabled)
        if enabled:
            # AWS keeps 7 days unless told otherwise.
            instance.performance_insights_retention_period = kwargs.get("performance_insights_retention_period") or 7
            instance.performance_insights_kms_key_id = kwargs.get("performance_insights_kms_key_id")

    models.DBInstance.__init__ = __init__
    models.DBInstance.update = update

    original_update_parameters = models.DBParameterGroup.update_parameters

    def update_parameters(self, new_parameters):
        original_update_parameters(self, new_parameters)
        for parameter in self.parameters.values():
            parameter.setdefault("Source", "user")

    models.DBParameterGroup.update_parameters = update_parameters


def patch_elasticache():
    """Replication groups with real member clusters; deletes that finish; DeleteCacheSubnetGroup.

    - moto 5.2 sets a deleted cache cluster or replication group to "deleting" and keeps it forever, so the
      provider's delete waiter (which waits for not-found) runs into its 40-minute timeout. AWS answers the delete
      call with the object in "deleting" and later stops listing it; here it is gone by the next describe.
    - moto 5.2 has no DeleteCacheSubnetGroup, so destroying aws_elasticache_subnet_group fails.
    - moto 5.2 lists a replication group's member clusters but never creates them, and the provider reads engine
      version, subnet group, security groups and parameter group of aws_elasticache_replication_group from the
      first member with DescribeCacheClusters: without them every read fails with CacheClusterNotFound.
    - moto 5.2 creates one member when cluster mode is disabled unless ReplicasPerNodeGroup is given, ignoring
      NumCacheClusters; the provider sends NumCacheClusters, so num_cache_clusters = 2 re-plans forever.
    - moto 5.2 leaves EngineVersion empty when none is given, and the provider fails to parse "" as a version.
    - moto 5.2 keeps a cluster's security group ids and parameter group name but leaves SecurityGroups and
      CacheParameterGroup out of DescribeCacheClusters, so security_group_ids re-plans forever.
    """
    from moto.core.responses import EmptyResult
    from moto.elasticache import exceptions, models, responses

    backend_cls = models.ElastiCacheBackend
    response_cls = responses.ElastiCacheResponse
    group_cls = models.ReplicationGroup

    original_set_members = group_cls._set_node_members_clusters_disabled

    def _set_node_members_clusters_disabled(self, *args, **kwargs):
        # ReplicasPerNodeGroup wins when both are given, as in moto; otherwise NumCacheClusters counts the primary.
        if not kwargs.get("replicas_per_node_group") and (kwargs.get("num_cache_clusters") or 1) > 1:
            kwargs["replicas_per_node_group"] = kwargs["num_cache_clusters"] - 1
        return original_set_members(self, *args, **kwargs)

    group_cls._set_node_members_clusters_disabled = _set_node_members_clusters_disabled

    original_cluster_init = models.CacheCluster.__init__

    def cluster_init(self, *args, **kwargs):
        original_cluster_init(self, *args, **kwargs)
        # AWS picks the newest engine version when none is asked for; the provider parses the one it reads back.
        self.engine_version = self.engine_version or DEFAULT_CACHE_ENGINE_VERSIONS.get(self.engine, "")
        # The serializer reads these attribute names for the SecurityGroups and CacheParameterGroup members.
        self.security_groups = [{"SecurityGroupId": sg, "Status": "active"} for sg in self.security_group_ids]
        if self.cache_parameter_group_name:
            self.cache_parameter_group = {
                "CacheParameterGroupName": self.cache_parameter_group_name,
                "ParameterApplyStatus": "in-sync",
                "CacheNodeIdsToReboot": [],
            }

    models.CacheCluster.__init__ = cluster_init

    original_create_group = backend_cls.create_replication_group
    original_delete_cluster = backend_cls.delete_cache_cluster
    original_delete_group = backend_cls.delete_replication_group

    def member_cluster(self, group, member):
        cluster = models.CacheCluster(
            account_id=self.account_id,
            region_name=self.region_name,
            cache_cluster_id=member["cache_cluster_id"],
            cache_node_type=group.cache_node_type,
            replication_group_id=group.replication_group_id,
            az_mode="single-az",
            preferred_availability_zone=member.get("preferred_availability_zone"),
            num_cache_nodes=1,
            engine=group.engine,
            engine_version=group.engine_version,
            cache_parameter_group_name=group.cache_parameter_group_name,
            cache_subnet_group_name=group.cache_subnet_group_name,
            transit_encryption_enabled=group.transit_encryption_enabled,
            network_type=group.network_type,
            ip_discovery=group.ip_discovery,
            snapshot_name=None,
            preferred_maintenance_window=group.preferred_maintenance_window,
            port=group.port,
            notification_topic_arn=group.notification_topic_arn,
            auto_minor_version_upgrade=group.auto_minor_version_upgrade,
            snapshot_retention_limit=group.snapshot_retention_limit,
            snapshot_window=group.snapshot_window,
            # The provider reads AuthTokenEnabled from the member clusters and forgets its auth_token when
            # false, so every plan would set the token again.
            # (moto keeps only whether the group has a token, which is all the member needs.)
            auth_token="set" if getattr(group, "auth_token_enabled", False) else None,
            outpost_mode=None,
            preferred_outpost_arn=None,
            preferred_availability_zones=None,
            cache_security_group_names=group.cache_security_group_names,
            security_group_ids=group.security_group_ids,
            tags=group.tags,
            snapshot_arns=None,
            preferred_outpost_arns=None,
            log_delivery_configurations=[],
            cache_node_ids_to_remove=None,
            cache_node_ids_to_reboot=None,
        )
        cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled
        return cluster

    def create_replication_group(self, *args, **kwargs):
        group = original_create_group(self, *args, **kwargs)
        for node_group in group.node_groups:
            for member in node_group["node_group_members"]:
                cluster = member_cluster(self, group, member)
                self.cache_clusters[cluster.cache_cluster_id] = cluster
                if group.tags:
                    self.tagging_service.tag_resource(cluster.arn, group.tags)
        return group

    def delete_cache_cluster(self, cache_cluster_id):
        cluster = original_delete_cluster(self, cache_cluster_id)
        self.cache_clusters.pop(cache_cluster_id, None)
        self.tagging_service.delete_all_tags_for_resource(cluster.arn)
        return cluster

    def delete_replication_group(self, replication_group_id, retain_primary_cluster):
        existing = self.replication_groups.get(replication_group_id)
        # moto drops the primary from member_clusters on delete; remember them all first.
        members = list(existing.member_clusters) if existing else []
        group = original_delete_group(self, replication_group_id, retain_primary_cluster)
        self.replication_groups.pop(replication_group_id, None)
        self.tagging_service.delete_all_tags_for_resource(group.arn)
        for cluster_id in members:
            if retain_primary_cluster and cluster_id == group.primary_cluster_id:
                continue
            cluster = self.cache_clusters.pop(cluster_id, None)
            if cluster is not None:
                self.tagging_service.delete_all_tags_for_resource(cluster.arn)
        return group

    def delete_cache_subnet_group(self, cache_subnet_group_name):
        group = self.cache_subnet_groups.pop(cache_subnet_group_name, None)
        if group is None:
            raise exceptions.CacheSubnetGroupNotFound(cache_subnet_group_name)
        self.tagging_service.delete_all_tags_for_resource(group.arn)
        return group

    def delete_cache_subnet_group_response(self):
        self.elasticache_backend.delete_cache_subnet_group(self._get_param("CacheSubnetGroupName"))
        return EmptyResult()

    backend_cls.create_replication_group = create_replication_group
    backend_cls.delete_cache_cluster = delete_cache_cluster
    backend_cls.delete_replication_group = delete_replication_group
    backend_cls.delete_cache_subnet_group = delete_cache_subnet_group
    response_cls.delete_cache_subnet_group = delete_cache_subnet_group_response


def patch_ecs():
    """Service settings moto does not keep: availabilityZoneRebalancing and a few more.

    The provider sends availability_zone_rebalancing (default "DISABLED") on CreateService and reads it back from
    DescribeServices; moto 5.2 drops it, so every re-plan shows a change. The same holds for enableECSManagedTags,
    enableExecuteCommand and healthCheckGracePeriodSeconds. AWS defaults a service created without
    availabilityZoneRebalancing to "ENABLED". UpdateService already stores every field it is given.
    """
    from botocore import xform_name
    from moto.ecs import responses

    defaults = {
        "availabilityZoneRebalancing": "ENABLED",
        "enableECSManagedTags": False,
        "enableExecuteCommand": False,
        "healthCheckGracePeriodSeconds": None,
    }
    response_cls = responses.EC2ContainerServiceResponse
    original_create = response_cls.create_service

    def create_service(self):
        result = original_create(self)
        service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
        for name, default in defaults.items():
            value = self._get_param(name)
            setattr(service, xform_name(name), default if value is None else value)
        return result

    response_cls.create_service = create_service


def patch_elasticache_parameter_groups():
    """ElastiCache parameter groups.

    moto 5.2 implements none of the CacheParameterGroup operations: aws_elasticache_parameter_group gets HTTP 500
    on create and the provider retries for many minutes. Parameters are kept as given; DescribeCacheParameters
    lists only those (moto has no catalogue of engine defaults), which is what the provider reads (Source=user).
    """
    import re

    from moto.core.responses import ActionResult, EmptyResult
    from moto.elasticache import models, responses
    from moto.elasticache.exceptions import ElastiCacheException
    from moto.utilities.utils import get_partition

    class CacheParameterGroupNotFound(ElastiCacheException):
        code = "CacheParameterGroupNotFoundFault"

        def __init__(self, name):
            super().__init__(f"CacheParameterGroup {name} not found.")

    class CacheParameterGroupAlreadyExists(ElastiCacheException):
        code = "CacheParameterGroupAlreadyExistsFault"

        def __init__(self, name):
            super().__init__(f"CacheParameterGroup {name} already exists.")

    class CacheParameterGroup:
        def __init__(self, backend, name, family, description):
            self.cache_parameter_group_name = name
            self.cache_parameter_group_family = family
            self.description = description
            self.is_global = False
            partition = get_partition(backend.region_name)
            self.arn = f"arn:{partition}:elasticache:{backend.region_name}:{backend.account_id}:parametergroup:{name}"
            self.parameters = {}

    backend_cls = models.ElastiCacheBackend
    response_cls = responses.ElastiCacheResponse

    original_init = backend_cls.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.cache_parameter_groups = {}
        # ListTagsForResource answers InvalidARN for an ARN kind this check does not know.
        self.arn_regex = re.compile(
            r"^arn:aws:elasticache:.*:[0-9]*:(cluster|snapshot|subnetgroup|replicationgroup|user|parametergroup):.*$"
        )

    def get_group(backend, name):
        group = backend.cache_parameter_groups.get(name)
        if group is None:
            raise CacheParameterGroupNotFound(name)
        return group

    def create_cache_parameter_group(self):
        backend = self.elasticache_backend
        name = self._get_param("CacheParameterGroupName")
        if name in backend.cache_parameter_groups:
            raise CacheParameterGroupAlreadyExists(name)
        group = CacheParameterGroup(
            backend, name, self._get_param("CacheParameterGroupFamily"), self._get_param("Description")
        )
        backend.cache_parameter_groups[name] = group
        tags = self._get_param("Tags", [])
        if tags:
            backend.tagging_service.tag_resource(group.arn, tags)
        return ActionResult({"CacheParameterGroup": group})

    def describe_cache_parameter_groups(self):
        backend = self.elasticache_backend
        name = self._get_param("CacheParameterGroupName")
        found = [get_group(backend, name)] if name else list(backend.cache_parameter_groups.values())
        return ActionResult({"CacheParameterGroups": found})

    def describe_cache_parameters(self):
        group = get_group(self.elasticache_backend, self._get_param("CacheParameterGroupName"))
        parameters = [
            {
                "ParameterName": k,
                "ParameterValue": v,
                "Source": "user",
                "DataType": "string",
                "IsModifiable": True,
                "ChangeType": "immediate",
            }
            for k, v in sorted(group.parameters.items())
        ]
        return ActionResult({"Parameters": parameters, "CacheNodeTypeSpecificParameters": []})

    def modify_cache_parameter_group(self):
        name = self._get_param("CacheParameterGroupName")
        group = get_group(self.elasticache_backend, name)
        for p in self._get_param("ParameterNameValues", []):
            group.parameters[p["ParameterName"]] = p.get("ParameterValue")
        return ActionResult({"CacheParameterGroupName": name})

    def reset_cache_parameter_group(self):
        name = self._get_param("CacheParameterGroupName")
        group = get_group(self.elasticache_backend, name)
        if self._get_bool_param("ResetAllParameters"):
            group.parameters.clear()
        for p in self._get_param("ParameterNameValues", []):
            group.parameters.pop(p["ParameterName"], None)
        return ActionResult({"CacheParameterGroupName": name})

    def delete_cache_parameter_group(self):
        backend = self.elasticache_backend
        name = self._get_param("CacheParameterGroupName")
        group = get_group(backend, name)
        del backend.cache_parameter_groups[name]
        backend.tagging_service.delete_all_tags_for_resource(group.arn)
        return EmptyResult()

    backend_cls.__init__ = __init__
    response_cls.create_cache_parameter_group = create_cache_parameter_group
    response_cls.describe_cache_parameter_groups = describe_cache_parameter_groups
    response_cls.describe_cache_parameters = describe_cache_parameters
    response_cls.modify_cache_parameter_group = modify_cache_parameter_group
    response_cls.reset_cache_parameter_group = reset_cache_parameter_group
    response_cls.delete_cache_parameter_group = delete_cache_parameter_group


def patch_s3():
    """Bucket policies: conditional Deny statements do not apply.

    moto 5.2 checks every object request against the bucket policy but passes no request context to the
    conditions, and treats a condition operator it does not know (Bool, ...) as met. The usual "deny anything
    not over TLS" statement (Deny s3:* when aws:SecureTransport is false) therefore denies every PutObject,
    GetObject and DeleteObject, so aws_s3_object fails with 403 and force_destroy cannot empty the bucket.
    Real requests from the provider always use TLS; the emulator cannot judge any condition, so it skips them.
    """
    from moto.s3 import models

    original_get_permission = models.FakeBucket.get_permission

    def get_permission(self, action, resource):
        from moto.iam.access_control import IAMPolicy, PermissionResult

        if self.policy is None:
            return original_get_permission(self, action, resource)
        policy = json.loads(self.policy)
        statements = policy.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        kept = [st for st in statements if not (st.get("Effect") == "Deny" and st.get("Condition"))]
        if not kept:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps({**policy, "Statement": kept})).is_action_permitted(action, resource)

    models.FakeBucket.get_permission = get_permission


def patch_ec2_rule_descriptions():
    """aws_vpc_security_group_ingress_rule / egress_rule: a rule that references another security group keeps its
    description in the UserIdGroupPair, but moto reads a rule's description from its CIDR range only, so the
    provider reads back none and every plan sets it again."""
    from moto.ec2.models import security_groups

    def description(self):
        return self.ip_range.get("Description") or (self.source_group or {}).get("Description")

    security_groups.SecurityGroupRule.description = property(description)


def patch_logs_kms():
    """AssociateKmsKey and DisassociateKmsKey for CloudWatch Logs log groups.

    aws_cloudwatch_log_group sets kms_key_id on an existing log group with AssociateKmsKey (and removes it with
    DisassociateKmsKey). moto 5.2 keeps kmsKeyId from CreateLogGroup but implements neither call: HTTP 500, which
    the provider retries for many minutes, so moving a deployed stack's log groups to its key hangs.
    """
    from moto.logs import responses
    from moto.logs.exceptions import ResourceNotFoundException

    def group(backend, name):
        if name not in backend.groups:
            raise ResourceNotFoundException()
        return backend.groups[name]

    def associate_kms_key(self):
        group(self.logs_backend, self._get_param("logGroupName")).kms_key_id = self._get_param("kmsKeyId")
        return ""

    def disassociate_kms_key(self):
        group(self.logs_backend, self._get_param("logGroupName")).kms_key_id = None
        return ""

    responses.LogsResponse.associate_kms_key = associate_kms_key
    responses.LogsResponse.disassociate_kms_key = disassociate_kms_key


def patch_ec2_rule_lock():
    """Security group rule changes one at a time.

    moto 5.2 revokes a rule by reading a group's rule list and assigning a filtered copy back, with no lock, and
    its server answers requests on many threads. Terraform deletes a group's rules in parallel (the load
    generator's two egress rules, the service's three), so two revokes can interleave: one undoes the other, and
    the provider later fails with InvalidPermission.NotFound (seen in a destroy). AWS serializes these; here one
    lock covers every rule and group change of the EC2 backend.
    """
    import functools
    import threading

    from moto.ec2.models import security_groups

    lock = threading.RLock()
    backend_cls = security_groups.SecurityGroupBackend
    for name in (
        "authorize_security_group_ingress",
        "authorize_security_group_egress",
        "revoke_security_group_ingress",
        "revoke_security_group_egress",
        "create_security_group",
        "delete_security_group",
    ):
        original = getattr(backend_cls, name)

        def locked(self, *args, _original=original, **kwargs):
            with lock:
                return _original(self, *args, **kwargs)

        setattr(backend_cls, name, functools.wraps(original)(locked))


# What a one-off task started with RunTask does in the emulator: by task definition family, as a test set it with
# POST /_emulator/ecs/task-outcome, else DEFAULT_TASK_OUTCOME.
DEFAULT_TASK_OUTCOME = {"exitCode": 0, "stoppedReason": "Essential container in task exited"}
TASK_OUTCOMES = {}


def patch_ecs_run_task():
    """One-off tasks (RunTask) run to completion: STOPPED, with the exit code a test chose (0 by default).

    The stacks run LiteLLM's database migration as a one-off Fargate task and wait for it to stop. moto 5.2 leaves
    a task RUNNING until StopTask and never sets an exit code, so the wait would never end. The emulator runs no
    containers: a task stops at once with the outcome POST /_emulator/ecs/task-outcome set for its family ({"family":
    "...", "exitCode": 3, "stoppedReason": "..."}; "exitCode": null for a task that never started, such as
    CannotPullContainerError; no exitCode key: back to the default), else exit code 0.
    The task's network interface is released as AWS does once a task stops, so the subnet can be deleted. moto also
    adds up container-level cpu and memory to place a task and fails (HTTP 500) on a Fargate container that, like
    ours, sizes only the task: Fargate places nothing on instances, so a Fargate task needs no sum. And moto reads
    the task ENI's private_dns_name, which it sets only in a VPC with DNS hostnames: elsewhere RunTask fails (500).
    """
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface
    from moto.ecs import models

    if not hasattr(NetworkInterface, "private_dns_name"):
        NetworkInterface.private_dns_name = None

    backend_cls = models.EC2ContainerServiceBackend
    original_run_task = backend_cls.run_task
    original_requirements = backend_cls._calculate_task_resource_requirements

    def _calculate_task_resource_requirements(task_definition):
        if "FARGATE" in (task_definition.requires_compatibilities or []):
            return {"CPU": 0, "MEMORY": 0, "PORTS": [], "PORTS_UDP": []}
        return original_requirements(task_definition)

    backend_cls._calculate_task_resource_requirements = staticmethod(_calculate_task_resource_requirements)

    def run_task(self, *args, **kwargs):
        tasks = original_run_task(self, *args, **kwargs)
        for task in tasks:
            family = task.task_definition_arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]
            outcome = TASK_OUTCOMES.get(family, DEFAULT_TASK_OUTCOME)
            task.last_status = "STOPPED"
            task.desired_status = "STOPPED"
            task.stopped_reason = outcome.get("stoppedReason", "")
            task.stop_code = "EssentialContainerExited" if outcome.get("exitCode") is not None else "TaskFailedToStart"
            for container in task.containers:
                container.last_status = "STOPPED"
                container.exitCode = outcome.get("exitCode")
            ec2 = ec2_backends[self.account_id][self.region_name]
            for attachment in task.attachments:
                for detail in attachment.get("details", []):
                    if detail["name"] == "networkInterfaceId":
                        ec2.delete_network_interface(detail["value"])
                attachment["status"] = "DELETED"
        return tasks

    backend_cls.run_task = run_task


def patch_ecs_container_sizes():
    """A task's containers report cpu and memory as strings, as ECS does.

    moto 5.2 copies them from the task definition as numbers (0 for a container that sets no cpu): the AWS CLI takes
    that, but the AWS SDK for Go refuses RunTask's and DescribeTasks' answers ("expected string, got 0"), and
    ./help benchmark (loadtest/benchmark) reads both with it.
    """
    from moto.ecs import models

    original_init = models.Container.__init__

    def __init__(self, task_def):
        original_init(self, task_def)
        self.cpu = None if self.cpu is None else str(self.cpu)
        self.memory = None if self.memory is None else str(self.memory)

    models.Container.__init__ = __init__


# The Fargate On-Demand vCPU quota of the emulated account (Service Quotas fargate/L-3032A538). The default is a
# stand-in large enough for every stack, so that --local deploys pass the preflight; a test lowers it, or makes the
# calls fail, with POST /_emulator/servicequotas/quota (see patch_service_quotas).
FARGATE_VCPU_QUOTA = {
    "ServiceCode": "fargate",
    "QuotaCode": "L-3032A538",
    "QuotaName": "Fargate On-Demand vCPU resource count",
}
DEFAULT_FARGATE_VCPU_QUOTA = 4000.0
SERVICE_QUOTA_STATE = {}


def patch_service_quotas():
    """GetServiceQuota and GetAWSDefaultServiceQuota for the Fargate On-Demand vCPU quota.

    ./help deploy's preflight (preflight/) reads the account's fargate L-3032A538 with GetServiceQuota and, when
    that is denied, AWS's default with GetAWSDefaultServiceQuota. moto 5.2 knows the vpc quotas only (anything else is
    NoSuchResourceException) and has no GetAWSDefaultServiceQuota at all (HTTP 500). Both answer
    DEFAULT_FARGATE_VCPU_QUOTA here unless POST /_emulator/servicequotas/quota set otherwise: {"value": 8} is the
    account's quota; {"error": "AccessDeniedException"} makes GetServiceQuota fail with that code, {"defaultError":
    ...} GetAWSDefaultServiceQuota; {} goes back to the defaults. Other quotas are moto's.
    """
    from moto.core.exceptions import JsonRESTError
    from moto.servicequotas import responses

    response_cls = responses.ServiceQuotasResponse
    original_get = response_cls.get_service_quota

    def fargate_quota(self, value):
        arn = f"arn:aws:servicequotas:{self.region}:{self.current_account}:fargate/{FARGATE_VCPU_QUOTA['QuotaCode']}"
        quota = {**FARGATE_VCPU_QUOTA, "ServiceName": "AWS Fargate", "QuotaArn": arn, "Value": value}
        return json.dumps({"Quota": {**quota, "Unit": "None", "Adjustable": True, "GlobalQuota": False}})

    def is_fargate_vcpu(params):
        return (params.get("ServiceCode"), params.get("QuotaCode")) == ("fargate", FARGATE_VCPU_QUOTA["QuotaCode"])

    def get_service_quota(self):
        if not is_fargate_vcpu(json.loads(self.body)):
            return original_get(self)
        if SERVICE_QUOTA_STATE.get("error"):
            raise JsonRESTError(SERVICE_QUOTA_STATE["error"], "the emulator was told to refuse GetServiceQuota")
        return fargate_quota(self, SERVICE_QUOTA_STATE.get("value", DEFAULT_FARGATE_VCPU_QUOTA))

    def get_aws_default_service_quota(self):
        if not is_fargate_vcpu(json.loads(self.body)):
            message = "the emulator knows AWS's default of fargate L-3032A538 only"
            raise JsonRESTError("NoSuchResourceException", message)
        if SERVICE_QUOTA_STATE.get("defaultError"):
            message = "the emulator was told to refuse GetAWSDefaultServiceQuota"
            raise JsonRESTError(SERVICE_QUOTA_STATE["defaultError"], message)
        return fargate_quota(self, DEFAULT_FARGATE_VCPU_QUOTA)

    response_cls.get_service_quota = get_service_quota
    response_cls.get_aws_default_service_quota = get_aws_default_service_quota


def read_json(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return json.loads(environ["wsgi.input"].read(length) or b"{}")


def control_task_outcome(environ):
    if environ.get("REQUEST_METHOD") == "POST":
        body = read_json(environ)
        family = body.pop("family", "")
        if "exitCode" in body:
            TASK_OUTCOMES[family] = {"exitCode": body["exitCode"], "stoppedReason": body.get("stoppedReason", "")}
        else:
            TASK_OUTCOMES.pop(family, None)
    return TASK_OUTCOMES


def control_service_quota(environ):
    if environ.get("REQUEST_METHOD") == "POST":
        body = read_json(environ)
        SERVICE_QUOTA_STATE.clear()
        SERVICE_QUOTA_STATE.update({k: body[k] for k in ("value", "error", "defaultError") if body.get(k) is not None})
    return SERVICE_QUOTA_STATE


# The emulator's own endpoints, in front of moto: POST a JSON body to change the state, GET to read it.
CONTROLS = {
    "/_emulator/ecs/task-outcome": control_task_outcome,  # patch_ecs_run_task
    "/_emulator/servicequotas/quota": control_service_quota,  # patch_service_quotas
}


def patch_ecs_deployment_configuration():
    """A service keeps its whole deployment configuration, as ECS does.

    moto 5.2 drops deploymentConfiguration at CreateService, and UpdateService stores only the fields it is sent.
    The provider sends the maximum and minimum percent alone when they change, so a service then describes
    itself without its deploymentCircuitBreaker, and every re-plan shows the circuit breaker added again. Here
    the configuration is kept at create, and an update changes only the fields it names.
    """
    from moto.ecs import models, responses

    response_cls = responses.EC2ContainerServiceResponse
    original_create = response_cls.create_service

    def create_service(self):
        result = original_create(self)
        config = self._get_param("deploymentConfiguration")
        if config:
            service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
            service.deployment_configuration = dict(config)
        return result

    response_cls.create_service = create_service

    backend_cls = models.EC2ContainerServiceBackend
    original_update = backend_cls.update_service

    def update_service(self, service_properties):
        config = service_properties.get("deployment_configuration")
        if config:
            name = service_properties["service"].split("/")[-1]
            current = self._get_service(service_properties.get("cluster", "default"), name)
            service_properties["deployment_configuration"] = {**getattr(current, "deployment_configuration", {}), **config}
        return original_update(self, service_properties)

    backend_cls.update_service = update_service


def patch_ecs_service_rollout():
    """Services report their deployment: steady by default, failed by the circuit breaker when their tasks fail.

    The stacks wait after every deployment until the service's PRIMARY deployment is COMPLETED with as many tasks
    running as desired, and fail with the stopped tasks' reasons when it FAILED. moto 5.2 starts no service tasks:
    its deployment stays IN_PROGRESS with no task running, keeps the task definition and desired count the service
    was created with, starts a new deployment only on forceNewDeployment, and ignores ListTasks' serviceName.

    The emulator runs no containers, and has no clock: a service's deployment is as its task family's outcome is
    now. With no outcome set (POST /_emulator/ecs/task-outcome, see patch_ecs_run_task) the deployment is COMPLETED
    and every desired task runs. With one, every task the service starts stops that way, so the deployment circuit
    breaker fails the deployment: rolloutState FAILED, nothing running, and as many STOPPED tasks (group
    "service:<name>", startedBy the deployment id, as ECS marks them) as the breaker's threshold, half the desired
    count and at least 3. Reset the outcome and the service is steady again, as ECS's scheduler keeps starting tasks
    and succeeds once the cause is gone (a raised quota, a pushed image). A new task definition or forceNewDeployment
    starts a new deployment. The emulator does not roll back to the previous task definition as AWS would.
    """
    from moto.core.utils import utcnow
    from moto.ecs import models
    from moto.moto_api._internal import mock_random

    backend_cls = models.EC2ContainerServiceBackend
    original_describe = backend_cls.describe_services
    original_update = backend_cls.update_service
    original_list_tasks = backend_cls.list_tasks

    def family_of(task_definition):
        return (task_definition or "").rsplit("/", 1)[-1].rsplit(":", 1)[0]

    def settle(backend, service):
        if service.status != "ACTIVE" or not service.deployments:
            return
        deployment = service.deployments[0]
        deployment["taskDefinition"] = service.task_definition
        deployment["desiredCount"] = service.desired_count
        outcome = TASK_OUTCOMES.get(family_of(service.task_definition))
        if outcome is None:
            running, state, reason = service.desired_count, "COMPLETED", f"ECS deployment {deployment['id']} completed."
        else:
            running, state = 0, "FAILED"
            reason = "ECS deployment circuit breaker: tasks failed to start."
            if getattr(service, "emulator_failed_deployment", None) != deployment["id"]:
                service.emulator_failed_deployment = deployment["id"]
                failed = max(-(-service.desired_count // 2), 3)
                backend.run_task(
                    service.cluster_name,
                    service.task_definition,
                    failed,
                    None,
                    deployment["id"],
                    None,
                    "FARGATE",
                    networking_configuration=service.network_configuration or None,
                    group=f"service:{service.name}",
                )
                deployment["failedTasks"] = deployment.get("failedTasks", 0) + failed
                message = f"(service {service.name}) (deployment {deployment['id']}) deployment failed: {reason}"
                service.events.insert(0, {"id": str(mock_random.uuid4()), "createdAt": utcnow(), "message": message})
        if deployment.get("rolloutState") != state:
            deployment["updatedAt"] = utcnow()
        deployment.update(rolloutState=state, rolloutStateReason=reason, runningCount=running, pendingCount=0)
        service.running_count = running
        service.pending_count = 0

    def describe_services(self, cluster_str, service_names_or_arns):
        services, failures = original_describe(self, cluster_str, service_names_or_arns)
        for service in services:
            settle(self, service)
        return services, failures

    def update_service(self, service_properties):
        cluster_str = service_properties.get("cluster", "default")
        name = service_properties.get("service", "").split("/")[-1]
        before = self._get_service(cluster_str, name).task_definition
        service = original_update(self, service_properties)
        if service.deployments and service.task_definition != before:
            # moto starts a new deployment only on forceNewDeployment; ECS starts one for a new task definition too.
            now = utcnow()
            service.deployments[0].update(id=f"ecs-svc/{mock_random.randint(0, 32**12)}", createdAt=now, updatedAt=now)
        return service

    def list_tasks(self, cluster_str=None, container_instance=None, family=None, started_by=None,
                   service_name=None, desiredStatus=None):
        tasks = original_list_tasks(self, cluster_str, container_instance, family, started_by, None, desiredStatus)
        if service_name:
            tasks = [t for t in tasks if t.group == "service:" + service_name.split("/")[-1]]
        return tasks

    backend_cls.describe_services = describe_services
    backend_cls.update_service = update_service
    backend_cls.list_tasks = list_tasks


def control_app(app):
    """The emulator's control endpoints (CONTROLS) in front of moto."""

    def wsgi(environ, start_response):
        control = CONTROLS.get(environ.get("PATH_INFO"))
        if control is None:
            return app(environ, start_response)
        state = control(environ)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(state).encode()]

    return wsgi


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from patches_logs import patch_s3_logging_target_policy  # noqa: E402
from patches_loadgen import patch_ecs_task_runner  # noqa: E402  (after patch_ecs_run_task, which it wraps)

PATCHES = [
    patch_application_autoscaling,
    patch_ec2_rule_descriptions,
    patch_ec2_rule_lock,
    patch_rds,
    patch_elasticache,
    patch_ecs,
    patch_ecs_run_task,
    patch_ecs_container_sizes,
    patch_ecs_deployment_configuration,
    patch_ecs_service_rollout,
    patch_logs_kms,
    patch_elasticache_parameter_groups,
    patch_s3,
    patch_s3_logging_target_policy,
    patch_service_quotas,
    patch_ecs_task_runner,  # the load generator's tasks run (emulator/patches_loadgen.py); after patch_ecs_run_task
]


def check_moto():
    hint = (
        f"the AWS emulator needs moto {REQUIRED_MOTO_MAJOR}.x with its server extra for {sys.executable}. This "
        "project's machine image ships it (PyPI is not reachable there); elsewhere: "
        f"pip install 'moto[server]>={REQUIRED_MOTO_MAJOR},<{REQUIRED_MOTO_MAJOR + 1}'"
    )
    try:
        import moto
        import moto.moto_server.werkzeug_app  # noqa: F401 (flask and werkzeug: the server extra)
    except ImportError as e:
        sys.exit(f"error: cannot import moto's server ({e}): {hint}")
    if moto.__version__.split(".")[0] != str(REQUIRED_MOTO_MAJOR):
        sys.exit(
            f"error: found moto {moto.__version__}, and the patches here are written for moto {REQUIRED_MOTO_MAJOR}.x: "
            f"{hint}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="check that moto is there, in the version the patches are for, and exit"
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 picks a free one (default)")
    parser.add_argument("--port-file", help="write the bound port here once the server accepts connections")
    parser.add_argument(
        "--detach",
        action="store_true",
        help="leave the caller's session, so its Ctrl-C and hangup do not stop the server (scripts/emulator.sh)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        default=os.environ.get("LITELLM_AWS_EMULATOR_VERBOSE", "") not in ("", "0"),
        help="log every request (also LITELLM_AWS_EMULATOR_VERBOSE=1)",
    )
    args = parser.parse_args(argv)

    # moto loads botocore's service models through a botocore session, which fails on an AWS_PROFILE missing from
    # the shared config; and nothing in a real AWS profile is any business of the emulator.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    # AWS-managed policies (AmazonECSTaskExecutionRolePolicy, ...) exist in every account; moto creates them
    # only when asked, and aws_iam_role_policy_attachment fails with NoSuchEntity without them.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    check_moto()
    if args.check:
        return
    if args.detach:
        try:
            os.setsid()
        except OSError:
            pass  # already leads its own process group (started from an interactive shell)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    # werkzeug logs one line per request: thousands per terraform apply.
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.ERROR)

    for patch in PATCHES:
        patch()

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = control_app(DomainDispatcherApplication(create_backend_app))
    try:
        server = make_server("127.0.0.1", args.port, app, threaded=True)
    except OSError as e:
        sys.exit(f"error: cannot listen on 127.0.0.1:{args.port}: {e.strerror}")
    port = server.socket.getsockname()[1]
    # moto builds some URLs (SQS queue URLs, Lambda's endpoint) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)

    # SIGTERM from the Go test or emulator_stop: leave through sys.exit so the socket closes cleanly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))

    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
