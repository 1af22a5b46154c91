"""The private bucket the storefront is served from, and the deployments that fill it."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from stacks.nag import LAMBDA_BASIC_EXECUTION, acknowledge_singletons

ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"

# (id, include patterns, exclude patterns, Cache-Control) in deployment order: pages go last,
# so a page never names a fingerprinted file that is not in the bucket yet.
CACHE_CLASSES = (
    ("Static", ["static/*"], ["*"], "public, max-age=31536000, immutable"),
    ("Media", [], ["*.html", "static/*"], "public, max-age=86400"),
    ("Pages", ["*.html"], ["*"], "public, max-age=60, must-revalidate"),
)


class SiteBucket(Construct):
    """`bucket` (private, TLS-only, versioned, encrypted) and `deployments` of assets/."""

    def __init__(self, scope: Construct, id: str, *, logs_bucket: s3.IBucket) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=logs_bucket,
            server_access_logs_prefix="s3/assets/",
            # Everything in it comes from git: a redeploy recreates it.
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )
        self.deployments: list[s3deploy.BucketDeployment] = []

    def deploy(self, distribution: cloudfront.IDistribution) -> None:
        """Upload assets/ in its cache classes; the last one invalidates the distribution."""
        source = s3deploy.Source.asset(str(ASSETS_DIR))
        for index, (name, include, exclude, cache_control) in enumerate(CACHE_CLASSES):
            last = index == len(CACHE_CLASSES) - 1
            deployment = s3deploy.BucketDeployment(
                self,
                f"Deploy{name}",
                sources=[source],
                destination_bucket=self.bucket,
                include=include,
                exclude=exclude,
                # Old fingerprinted files stay: pages cached elsewhere may still name them.
                prune=False,
                cache_control=[s3deploy.CacheControl.from_string(cache_control)],
                distribution=distribution if last else None,
                distribution_paths=["/*"] if last else None,
                memory_limit=512,
            )
            for earlier in self.deployments:
                deployment.node.add_dependency(earlier)
            self.deployments.append(deployment)
        acknowledge_singletons(
            self,
            "Custom::CDKBucketDeployment",
            (LAMBDA_BASIC_EXECUTION, "The deployment function only writes its own logs."),
            ("AwsSolutions-L1", "aws-cdk-lib picks and upgrades the BucketDeployment runtime."),
            *(
                (
                    f"AwsSolutions-IAM5[Action::{action}]",
                    "CDK's grant to copy the assets zip "
                    "from the staging bucket into the site bucket and prune/replace objects.",
                )
                for action in (
                    "s3:GetObject*",
                    "s3:GetBucket*",
                    "s3:List*",
                    "s3:Abort*",
                    "s3:DeleteObject*",
                )
            ),
            (
                "AwsSolutions-IAM5[Resource::<SiteBucket978D4AEB.Arn>/*]",
                "The deployment writes any object of the site bucket, and only that bucket.",
            ),
            (
                "AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-"
                f"{Stack.of(self).region}/*]",
                "Reads the assets zip from the CDK staging bucket; object keys are content hashes.",
            ),
            (
                "AwsSolutions-IAM5[Resource::*]",
                "BucketDeployment grants cloudfront:CreateInvalidation/GetInvalidation on "
                "'*'; scoping them to the distribution needs a change in aws-cdk-lib.",
            ),
        )
