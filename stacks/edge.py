"""Edge stack: the storefront bucket, CloudFront, the origin router, the assets upload."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from constructs import Construct

from stacks.config import EnvProfile
from stacks.constructs.cdn import Cdn
from stacks.constructs.site_bucket import SiteBucket


class EdgeStack(Stack):
    """customer → CloudFront → S3 (default) | ALB #1 (/api/*)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        profile: EnvProfile,
        api_alb: elbv2.IApplicationLoadBalancer,
        logs_bucket: s3.IBucket,
        **kwargs,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.site = SiteBucket(self, "Site", logs_bucket=logs_bucket)
        self.cdn = Cdn(
            self,
            "Cdn",
            env_name=profile.name,
            site_bucket=self.site.bucket,
            api_alb=api_alb,
            logs_bucket=logs_bucket,
        )
        self.site.deploy(self.cdn.distribution)
        CfnOutput(
            self, "SiteUrl", value=f"https://{self.cdn.distribution.distribution_domain_name}"
        )
        CfnOutput(self, "DistributionId", value=self.cdn.distribution.distribution_id)
        CfnOutput(self, "AssetsBucketName", value=self.site.bucket.bucket_name)
