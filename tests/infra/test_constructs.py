"""Each construct on a bare stack: what it must guarantee, asserted on its template."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from stacks.config import DEV, PROD, TierProfile, profile
from stacks.constructs.database import Database
from stacks.constructs.redis import RedisCache
from stacks.constructs.tier import ServiceTier, bundle_excludes
from stacks.vitrine import new_app


@pytest.fixture
def stack():
    """A bare stack (with cdk.json's flags) and a VPC to put things in."""
    s = cdk.Stack(new_app(), "Bare", env=cdk.Environment(region="us-east-1"))
    s.vpc = ec2.Vpc(
        s,
        "Vpc",
        max_azs=2,
        nat_gateways=1,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="app", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ],
    )
    return s


def _tier(stack, tier="cache", **overrides) -> ServiceTier:
    from aws_cdk import aws_s3 as s3

    args = dict(
        tier=tier,
        vpc=stack.vpc,
        profile=TierProfile("r7i.large", 2, 4, 2),
        port=8080,
        env={"VITRINE_UPSTREAM_URL": "http://upstream"},
        logs_bucket=s3.Bucket(stack, f"Logs{tier}"),
        notifications=sns.Topic(stack, f"T{tier}"),
    )
    args.update(overrides)
    return ServiceTier(stack, f"{tier.title()}Tier", **args)


def test_tier_alb_is_internal_and_checks_healthz(stack):
    _tier(stack)
    t = Template.from_stack(stack)
    t.has_resource_properties("AWS::ElasticLoadBalancingV2::LoadBalancer", {"Scheme": "internal"})
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        {
            "Port": 8080,
            "HealthCheckPath": "/healthz",
            "Matcher": {"HttpCode": "200"},
        },
    )


def test_tier_asg_waits_for_signals_and_rolls(stack):
    _tier(stack)
    t = Template.from_stack(stack)
    t.has_resource(
        "AWS::AutoScaling::AutoScalingGroup",
        {
            "Properties": Match.object_like(
                {
                    "MinSize": "2",
                    "MaxSize": "4",
                    "HealthCheckType": "ELB",
                    "HealthCheckGracePeriod": 600,
                }
            ),
            "CreationPolicy": {"ResourceSignal": {"Count": 2, "Timeout": "PT15M"}},
            "UpdatePolicy": Match.object_like(
                {
                    "AutoScalingRollingUpdate": Match.object_like(
                        {
                            "WaitOnResourceSignals": True,
                            "MinInstancesInService": 2,
                        }
                    ),
                }
            ),
        },
    )
    t.has_resource_properties(
        "AWS::AutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
        },
    )


def test_tier_instances_have_imdsv2_no_key_and_session_manager(stack):
    _tier(stack)
    t = Template.from_stack(stack)
    t.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {
                    "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1},
                    "InstanceType": "r7i.large",
                    "KeyName": Match.absent(),
                }
            )
        },
    )
    t.has_resource_properties(
        "AWS::IAM::Role",
        {
            "ManagedPolicyArns": [
                {
                    "Fn::Join": [
                        "",
                        [
                            "arn:",
                            {"Ref": "AWS::Partition"},
                            ":iam::aws:policy/AmazonSSMManagedInstanceCore",
                        ],
                    ]
                },
            ]
        },
    )


def test_tier_role_reads_only_its_bundle_object(stack):
    tier = _tier(stack)
    role_id = stack.get_logical_id(tier.role.node.default_child)
    policies = Template.from_stack(stack).find_resources("AWS::IAM::Policy")
    statements = [
        s
        for p in policies.values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    by_action = {s["Action"]: s["Resource"] for s in statements}
    assert set(by_action) == {"s3:GetObject", "cloudformation:SignalResource"}
    assert str(by_action["s3:GetObject"]).endswith(f"/{tier.bundle.s3_object_key}']]}}")
    assert by_action["cloudformation:SignalResource"] == {"Ref": "AWS::StackId"}


def test_tier_rejects_an_unknown_tier(stack):
    with pytest.raises(ValueError, match="tier must be one of"):
        _tier(stack, tier="web")


def test_bundles_leave_the_other_tier_out():
    assert "app" in bundle_excludes("cache") and "cache" not in bundle_excludes("cache")
    assert "cache" in bundle_excludes("app") and "app" not in bundle_excludes("app")


@pytest.mark.parametrize("env_profile", [DEV, PROD], ids=["dev", "prod"])
def test_database_is_encrypted_tls_only_and_rotated(stack, env_profile):
    Database(stack, "Database", vpc=stack.vpc, profile=env_profile)
    t = Template.from_stack(stack)
    t.has_resource_properties(
        "AWS::RDS::DBInstance",
        {
            "Engine": "mysql",
            "EngineVersion": Match.string_like_regexp(r"^8\.4\.\d+$"),
            "StorageEncrypted": True,
            "PubliclyAccessible": False,
            "MultiAZ": env_profile.db_multi_az,
            "BackupRetentionPeriod": env_profile.db_backup_days,
            "DeletionProtection": env_profile.deletion_protection,
        },
    )
    t.has_resource_properties(
        "AWS::RDS::DBParameterGroup",
        {
            "Parameters": Match.object_like({"require_secure_transport": "1"}),
        },
    )
    t.has_resource_properties(
        "AWS::SecretsManager::RotationSchedule",
        {
            "RotationRules": {"ScheduleExpression": "rate(30 days)"},
        },
    )
    t.has_resource("AWS::RDS::DBInstance", {"DeletionPolicy": "Snapshot"})


@pytest.mark.parametrize("env_profile", [DEV, PROD], ids=["dev", "prod"])
def test_redis_is_encrypted_authenticated_and_lru(stack, env_profile):
    RedisCache(stack, "Redis", vpc=stack.vpc, profile=env_profile)
    t = Template.from_stack(stack)
    t.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        {
            "TransitEncryptionEnabled": True,
            "AtRestEncryptionEnabled": True,
            "AuthToken": Match.any_value(),
            "Engine": "redis",
            "AutomaticFailoverEnabled": env_profile.redis_failover,
            "MultiAZEnabled": env_profile.redis_failover,
        },
    )
    t.has_resource_properties(
        "AWS::ElastiCache::ParameterGroup",
        {
            "Properties": {"maxmemory-policy": "allkeys-lru"},
        },
    )
    rg = next(iter(t.find_resources("AWS::ElastiCache::ReplicationGroup").values()))
    assert "resolve:secretsmanager" in str(rg["Properties"]["AuthToken"])


def test_profiles_are_validated():
    assert profile("dev") is DEV and profile("prod") is PROD
    with pytest.raises(ValueError, match="choose one of"):
        profile("staging")
    with pytest.raises(ValueError, match="min <= desired <= max"):
        TierProfile("c5.large", 3, 2, 2)
    assert DEV.cache_tier.instance_type.startswith("r")
    assert PROD.cache_tier.instance_type.startswith("r")
    assert DEV.app_tier.instance_type.startswith("c5") and PROD.app_tier.instance_type.startswith(
        "c5"
    )


def test_a_new_bundle_changes_the_launch_template_so_the_group_rolls(stack):
    tier = _tier(stack)
    (lt,) = Template.from_stack(stack).find_resources("AWS::EC2::LaunchTemplate").values()
    user_data = str(lt["Properties"]["LaunchTemplateData"]["UserData"])
    # The bundle's key is its content hash: new code → new user data → new template version,
    # which the ASG's rolling update (waiting on signals) rolls out.
    assert f"/{tier.bundle.s3_object_key}" in user_data
    assert tier.bundle.s3_object_key.startswith(tier.bundle.asset_hash)
