"""One EC2 service tier: internal ALB → target group → ASG of a launch template.

Used twice, for the cache tier (R family) and the app tier (C5); the differences are
arguments. The tier's code ships as an S3 asset of the services/ folder and boots itself
with user data that signals CloudFormation; a new bundle rolls the group.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sns as sns
from constructs import Construct

from stacks.bootstrap import render_user_data
from stacks.config import TierProfile
from stacks.nag import acknowledge

SERVICES_DIR = Path(__file__).resolve().parents[2] / "services"
TIERS = ("app", "cache")
# Bootstrap = dnf + pip + migrations; health checks before that would kill the instance.
BOOT_GRACE = Duration.minutes(10)
SIGNAL_TIMEOUT = Duration.minutes(15)


def bundle_excludes(tier: str) -> list[str]:
    """What the tier's bundle leaves out of services/: the other tier, caches, docs."""
    others = [t for t in TIERS if t != tier]
    return [*others, "**/__pycache__", "**/*.pyc", "**/README.md", "**/.pytest_cache"]


class ServiceTier(Construct):
    """An internal ALB in front of an auto-scaled group running one vitrine service.

    Children for wiring: `alb`, `alb_security_group`, `listener`, `target_group`, `asg`,
    `security_group` (the instances'), `role`, `bundle`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        tier: str,
        vpc: ec2.IVpc,
        profile: TierProfile,
        port: int,
        env: dict[str, str],
        logs_bucket: s3.IBucket,
        notifications: sns.ITopic,
    ) -> None:
        super().__init__(scope, id)
        if tier not in TIERS:
            raise ValueError(f"tier must be one of {TIERS}, got {tier!r}")
        app_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)

        self.alb_security_group = ec2.SecurityGroup(
            self,
            "AlbSecurityGroup",
            vpc=vpc,
            allow_all_outbound=False,
            description=f"vitrine {tier} tier ALB",
        )
        self.security_group = ec2.SecurityGroup(
            self,
            "InstanceSecurityGroup",
            vpc=vpc,
            allow_all_outbound=False,
            description=f"vitrine {tier} tier instances",
        )
        # Instances reach dnf/PyPI/AWS APIs over HTTPS through NAT (S3 via the gateway
        # endpoint); anything else outbound is opened by the stack, edge by edge.
        self.security_group.add_egress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to package repos and AWS APIs"
        )

        self.bundle = s3_assets.Asset(
            self, "Bundle", path=str(SERVICES_DIR), exclude=bundle_excludes(tier)
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description=f"vitrine {tier} tier instances",
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
            ],
        )
        # Exactly the bundle object: `aws s3 cp` needs nothing more (grant_read would add
        # List*/GetBucket* on the whole staging bucket).
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[self.bundle.bucket.arn_for_objects(self.bundle.s3_object_key)],
            )
        )
        acknowledge(
            self.role,
            (
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                "AmazonSSMManagedInstanceCore]",
                "Session Manager is the only way in (no SSH key, no port 22); AWS maintains this "
                "policy to match what the SSM agent needs.",
            ),
        )

        self.launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            machine_image=ec2.MachineImage.latest_amazon_linux2023(),
            instance_type=ec2.InstanceType(profile.instance_type),
            security_group=self.security_group,
            role=self.role,
            require_imdsv2=True,
            http_put_response_hop_limit=1,
            detailed_monitoring=True,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        16, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3
                    ),
                )
            ],
            # Filled in below: the script names the ASG, which needs this template first.
            user_data=ec2.UserData.for_linux(),
        )
        self.asg = autoscaling.AutoScalingGroup(
            self,
            "Asg",
            vpc=vpc,
            vpc_subnets=app_subnets,
            launch_template=self.launch_template,
            min_capacity=profile.min_capacity,
            max_capacity=profile.max_capacity,
            # A set desired capacity resets the group's size on every deploy: set it only
            # when the profile asks for more than the minimum.
            desired_capacity=(
                profile.desired_capacity
                if profile.desired_capacity != profile.min_capacity
                else None
            ),
            health_checks=autoscaling.HealthChecks.with_additional_checks(
                additional_types=[autoscaling.AdditionalHealthCheckType.ELB],
                grace_period=BOOT_GRACE,
            ),
            signals=autoscaling.Signals.wait_for_all(timeout=SIGNAL_TIMEOUT),
            update_policy=autoscaling.UpdatePolicy.rolling_update(
                wait_on_resource_signals=True,
                pause_time=SIGNAL_TIMEOUT,
                max_batch_size=1,
                min_instances_in_service=profile.min_capacity,
            ),
            notifications=[autoscaling.NotificationConfiguration(topic=notifications)],
            group_metrics=[autoscaling.GroupMetrics.all()],
        )
        self.asg.scale_on_cpu_utilization(
            "CpuScaling", target_utilization_percent=profile.cpu_target_percent
        )
        stack = Stack.of(self)
        user_data = render_user_data(
            tier=tier,
            variables={
                "TIER": tier,
                "BUNDLE_S3_URL": self.bundle.s3_object_url,
                "STACK_NAME": stack.stack_name,
                "ASG_RESOURCE": stack.get_logical_id(self.asg.node.default_child),
                "REGION": stack.region,
            },
            env={**env, "AWS_REGION": stack.region, "VITRINE_BIND": f"0.0.0.0:{port}"},
        )
        self.launch_template.user_data.add_commands(user_data)

        self.alb = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            vpc=vpc,
            internet_facing=False,
            vpc_subnets=app_subnets,
            security_group=self.alb_security_group,
            drop_invalid_header_fields=True,
        )
        self.alb.log_access_logs(logs_bucket, prefix=f"alb/{tier}")
        self.listener = self.alb.add_listener("Http", port=80, open=False)
        self.target_group = self.listener.add_targets(
            "Service",
            port=port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[self.asg],
            health_check=elbv2.HealthCheck(
                path="/healthz",
                healthy_http_codes="200",
                interval=Duration.seconds(10),
                timeout=Duration.seconds(5),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3,
            ),
            deregistration_delay=Duration.seconds(30),
        )
