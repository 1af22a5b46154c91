"""The bucket that receives ALB, CloudFront and S3 access logs."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from stacks.nag import acknowledge


class LogsBucket(Construct):
    """Private, TLS-only, SSE-S3 (ALB log delivery supports only SSE-S3), expiring logs."""

    def __init__(self, scope: Construct, id: str, *, retain: bool, expire_days: int) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=False,
            # CloudFront standard logging writes with ACLs, so the owner must prefer them.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(expire_days))],
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
            auto_delete_objects=not retain,
        )
        acknowledge(
            self.bucket,
            (
                "AwsSolutions-S1",
                "This is the access-log bucket itself; logging it into itself would loop.",
            ),
        )
