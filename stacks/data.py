"""Data stack: everything stateful — MySQL, Redis, their secrets, the logs bucket."""

from __future__ import annotations

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from stacks.config import EnvProfile
from stacks.constructs.database import Database
from stacks.constructs.logs_bucket import LogsBucket
from stacks.constructs.redis import RedisCache
from stacks.nag import acknowledge


class DataStack(Stack):
    """Stateful resources; their logical ids must never change."""

    def __init__(
        self, scope: Construct, id: str, *, vpc: ec2.IVpc, profile: EnvProfile, **kwargs
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.database = Database(self, "Database", vpc=vpc, profile=profile)
        self.redis = RedisCache(self, "Redis", vpc=vpc, profile=profile)
        self.admin_token = secretsmanager.Secret(
            self,
            "AdminToken",
            description="Bearer token for vitrine's admin (write) API",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=48, exclude_punctuation=True
            ),
            removal_policy=RemovalPolicy.DESTROY,
        )
        acknowledge(
            self.admin_token,
            (
                "AwsSolutions-SMG4",
                "The admin token is handed to operators out of band; the app "
                "re-reads it every 5 minutes, so `rotate-secret` with a new value is the runbook.",
            ),
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
