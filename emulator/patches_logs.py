"""Patches for the stack's log bucket (constructs/logbucket), in the style of the patch_* functions in server.py.

Wire each into server.py's PATCHES list:

    from patches_logs import patch_s3_logging_target_policy
    PATCHES = [..., patch_s3_logging_target_policy]
"""

import json


def patch_s3_logging_target_policy():
    """aws_s3_bucket_logging into a bucket whose policy also has a statement for "Principal": "*".

    PutBucketLogging checks that the target bucket's policy lets logging.s3.amazonaws.com put objects under the
    target prefix. moto 5.2 reads every statement's Principal as an object, so the usual TLS-only statement
    (Deny s3:* to "*" when aws:SecureTransport is false) makes it fail with HTTP 500 (AttributeError) whenever it
    comes before the grant, and the provider retries a 500 for many minutes before it gives up. The check here
    reads Principal, Action and Resource as IAM does (a string or a list) and looks at every statement; what it
    accepts is unchanged: an Allow of s3:PutObject to the logging service on the bucket, its objects or the prefix.
    constructs/logbucket writes its grants first, so it works without this patch; a policy in the other order
    (or a Service list) needs it.
    """
    from moto.s3 import models
    from moto.s3.utils import LOGGING_SERVICE_PRINCIPAL

    def as_list(value):
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    def log_permissions_enabled_policy(target_bucket, target_prefix):
        raw = target_bucket.policy
        if not raw:
            return False
        policy = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
        arn = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}"
        allowed = {f"{arn}/{target_prefix or ''}*", f"{arn}/*", arn}
        for statement in as_list(policy.get("Statement")):
            principal = statement.get("Principal")
            if not isinstance(principal, dict) or LOGGING_SERVICE_PRINCIPAL not in as_list(principal.get("Service")):
                continue
            if statement.get("Effect") != "Allow" or "s3:PutObject" not in as_list(statement.get("Action")):
                continue
            if allowed.intersection(as_list(statement.get("Resource"))):
                return True
        return False

    models.FakeBucket._log_permissions_enabled_policy = staticmethod(log_permissions_enabled_policy)
