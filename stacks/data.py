"""Data stack: everything stateful — MySQL, Redis, their secrets, the logs bucket."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from stacks.config import EnvProfile
from stacks.constructs.database import Database
from stacks.constructs.logs_bucket import LogsBucket
from stacks.constructs.redis import RedisCache
from stacks.constructs.token_secret import token_secret


class DataStack(Stack):
    """Stateful resources; their logical ids must never change."""

    def __init__(
        self, scope: Construct, id: str, *, vpc: ec2.IVpc, profile: EnvProfile, **kwargs
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.database = Database(self, "Database", vpc=vpc, profile=profile)
        self.redis = RedisCache(self, "Redis", vpc=vpc, profile=profile)
        self.admin_token = token_secret(
            self,
            "AdminToken",
            description="Bearer token for vitrine's admin (write) API",
            length=48,
            rotation="Operators receive the admin token out of band; the app re-reads it every "
            "5 minutes, so `rotate-secret` with a new value is the runbook.",
        )
        self.logs = LogsBucket(
            self, "Logs", retain=profile.deletion_protection, expire_days=90
        ).bucket
        for name, value in {
            "DbEndpoint": self.database.instance.db_instance_endpoint_address,
            "DbSecretArn": self.database.secret.secret_arn,
            "RedisEndpoint": self.redis.endpoint,
            "RedisAuthSecretArn": self.redis.auth_secret.secret_arn,
            "AdminTokenSecretArn": self.admin_token.secret_arn,
        }.items():
            CfnOutput(self, name, value=value)
