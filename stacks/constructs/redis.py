"""ElastiCache Redis: TLS in transit, encrypted at rest, AUTH token from Secrets Manager."""

from __future__ import annotations

from aws_cdk import Fn, SecretValue
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from constructs import Construct

from stacks.config import EnvProfile
from stacks.constructs.token_secret import token_secret
from stacks.nag import acknowledge

REDIS_PORT = 6379
ENGINE_VERSION = "7.1"


class RedisCache(Construct):
    """A Redis replication group; `endpoint`, `port`, `auth_secret` and `security_group`."""

    def __init__(self, scope: Construct, id: str, *, vpc: ec2.IVpc, profile: EnvProfile) -> None:
        super().__init__(scope, id)
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="ElastiCache Redis",
            allow_all_outbound=False,
        )
        self.auth_secret = token_secret(
            self,
            "AuthToken",
            description="ElastiCache Redis AUTH token for the vitrine cache tier",
            length=64,
            rotation="ElastiCache AUTH rotation needs a coordinated ModifyReplicationGroup "
            "ROTATE/SET; it is an operator runbook step, not a Lambda.",
        )
        subnets = elasticache.CfnSubnetGroup(
            self,
            "Subnets",
            description="vitrine Redis (isolated subnets)",
            subnet_ids=vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED).subnet_ids,
        )
        parameters = elasticache.CfnParameterGroup(
            self,
            "Parameters",
            cache_parameter_group_family="redis7",
            description="vitrine: evict least-recently-used keys when full",
            properties={"maxmemory-policy": "allkeys-lru"},
        )
        self.replication_group = elasticache.CfnReplicationGroup(
            self,
            "ReplicationGroup",
            replication_group_description="vitrine product cache",
            engine="redis",
            engine_version=ENGINE_VERSION,
            cache_node_type=profile.redis_node_type,
            num_node_groups=1,
            replicas_per_node_group=profile.redis_replicas,
            automatic_failover_enabled=profile.redis_failover,
            multi_az_enabled=profile.redis_failover,
            cache_subnet_group_name=subnets.ref,
            cache_parameter_group_name=parameters.ref,
            security_group_ids=[self.security_group.security_group_id],
            port=REDIS_PORT,
            # At creation TLS is then "required" (no plaintext clients), which AUTH needs.
            transit_encryption_enabled=True,
            at_rest_encryption_enabled=True,
            auth_token=SecretValue.secrets_manager(self.auth_secret.secret_arn).unsafe_unwrap(),
            snapshot_retention_limit=1 if profile.redis_failover else 0,
            auto_minor_version_upgrade=True,
        )
        self.endpoint = self.replication_group.attr_primary_end_point_address
        self.port = REDIS_PORT
        self.url = Fn.join("", ["rediss://", self.endpoint, f":{REDIS_PORT}/0"])
        acknowledge(
            self.replication_group,
            (
                "AwsSolutions-AEC5",
                "Redis keeps its standard port: only the cache tier's "
                "security group may reach it, and TLS plus AUTH are required.",
            ),
        )
        if not profile.redis_failover:
            acknowledge(
                self.replication_group,
                (
                    "AwsSolutions-AEC4",
                    f"The {profile.name} profile runs one Redis node to save "
                    "cost; the cache tier fails open when it is away. prod is Multi-AZ.",
                ),
            )
