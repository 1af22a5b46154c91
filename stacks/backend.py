"""Backend stack: the cache tier and the app tier, and the security-group edges between them.

Stateless: every resource here can be replaced without losing data.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sns as sns
from constructs import Construct

from stacks.config import EnvProfile
from stacks.constructs.cloudfront_prefix_list import CloudFrontPrefixList
from stacks.constructs.database import MYSQL_PORT
from stacks.constructs.tier import ServiceTier
from stacks.data import DataStack

CACHE_PORT = 8080
APP_PORT = 8081


class BackendStack(Stack):
    """ALB #1 → cache tier (R family) → ALB #2 → app tier (C5) → RDS; cache tier → Redis."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        data: DataStack,
        profile: EnvProfile,
        **kwargs,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        notifications = sns.Topic(
            self,
            "ScalingEvents",
            display_name="vitrine scaling events",
            enforce_ssl=True,
        )
        cache_control = {
            "VITRINE_CACHE_MAX_AGE": str(profile.cache_max_age),
            "VITRINE_CACHE_STALE_WHILE_REVALIDATE": str(profile.cache_stale_while_revalidate),
            "VITRINE_CACHE_STALE_IF_ERROR": str(profile.cache_stale_if_error),
        }
        self.app_tier = ServiceTier(
            self,
            "AppTier",
            tier="app",
            vpc=vpc,
            profile=profile.app_tier,
            port=APP_PORT,
            env={
                "VITRINE_DB_SECRET_ARN": data.database.secret.secret_arn,
                "VITRINE_ADMIN_TOKEN_SECRET_ARN": data.admin_token.secret_arn,
                "VITRINE_SEED_PRODUCTS": str(profile.seed_products),
                **cache_control,
            },
            logs_bucket=data.logs,
            notifications=notifications,
        )
        self.cache_tier = ServiceTier(
            self,
            "CacheTier",
            tier="cache",
            vpc=vpc,
            profile=profile.cache_tier,
            port=CACHE_PORT,
            env={
                "VITRINE_REDIS_URL": data.redis.url,
                "VITRINE_REDIS_AUTH_SECRET_ARN": data.redis.auth_secret.secret_arn,
                "VITRINE_UPSTREAM_URL": f"http://{self.app_tier.alb.load_balancer_dns_name}",
            },
            logs_bucket=data.logs,
            notifications=notifications,
        )
        data.database.secret.grant_read(self.app_tier.role)
        data.admin_token.grant_read(self.app_tier.role)
        data.redis.auth_secret.grant_read(self.cache_tier.role)

        # The seed's data flow, edge by edge; nothing else may enter anything.
        cloudfront = CloudFrontPrefixList(self, "CloudFrontOrigins")
        self.cache_tier.alb_security_group.add_ingress_rule(
            ec2.Peer.prefix_list(cloudfront.prefix_list_id),
            ec2.Port.tcp(80),
            "CloudFront VPC origin to ALB #1",
        )
        _allow(
            self.cache_tier.security_group,
            data.redis.security_group,
            data.redis.port,
            "cache tier to Redis (TLS)",
        )
        _allow(
            self.cache_tier.security_group,
            self.app_tier.alb_security_group,
            80,
            "cache tier to ALB #2",
        )
        _allow(
            self.app_tier.security_group,
            data.database.security_group,
            MYSQL_PORT,
            "app tier to MySQL (TLS)",
        )

        for name, value in {
            "CacheAlbDnsName": self.cache_tier.alb.load_balancer_dns_name,
            "AppAlbDnsName": self.app_tier.alb.load_balancer_dns_name,
        }.items():
            CfnOutput(self, name, value=value)


def _allow(source: ec2.SecurityGroup, target: ec2.ISecurityGroup, port: int, why: str) -> None:
    """Open one TCP edge: egress on the source, ingress on the target.

    remote_rule puts the ingress resource in this (the source's) stack, so the stateful
    data stack never depends on the stateless backend.
    """
    source.add_egress_rule(target, ec2.Port.tcp(port), why)
    target.add_ingress_rule(source, ec2.Port.tcp(port), why, remote_rule=True)
