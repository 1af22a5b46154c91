"""RDS MySQL: encrypted, TLS-only, in isolated subnets, credentials rotated in Secrets Manager."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from constructs import Construct

from stacks.config import EnvProfile
from stacks.nag import LAMBDA_BASIC_EXECUTION, acknowledge, acknowledge_singletons

ENGINE_VERSION = rds.MysqlEngineVersion.VER_8_4_10
DATABASE_NAME = "vitrine"
MYSQL_PORT = 3306


class Database(Construct):
    """The product database; `instance`, `secret` and `security_group` are for wiring."""

    def __init__(self, scope: Construct, id: str, *, vpc: ec2.IVpc, profile: EnvProfile) -> None:
        super().__init__(scope, id)
        engine = rds.DatabaseInstanceEngine.mysql(version=ENGINE_VERSION)
        self.security_group = ec2.SecurityGroup(
            self, "SecurityGroup", vpc=vpc, description="RDS MySQL", allow_all_outbound=False
        )
        parameters = rds.ParameterGroup(
            self,
            "Parameters",
            engine=engine,
            description="vitrine MySQL: TLS only, slow queries logged",
            parameters={
                # MySQL 8.4 speaks only TLS 1.2 and 1.3; this refuses plaintext sessions.
                "require_secure_transport": "1",
                # The exported slowquery log stays empty unless MySQL writes it.
                "slow_query_log": "1",
                "long_query_time": "0.5",
            },
        )
        self.instance = rds.DatabaseInstance(
            self,
            "Instance",
            engine=engine,
            instance_type=ec2.InstanceType(profile.db_instance_class),
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[self.security_group],
            credentials=rds.Credentials.from_generated_secret("vitrine_admin"),
            database_name=DATABASE_NAME,
            port=MYSQL_PORT,
            parameter_group=parameters,
            allocated_storage=profile.db_allocated_storage_gib,
            max_allocated_storage=profile.db_max_allocated_storage_gib,
            storage_type=rds.StorageType.GP3,
            storage_encrypted=True,
            multi_az=profile.db_multi_az,
            backup_retention=Duration.days(profile.db_backup_days),
            deletion_protection=profile.deletion_protection,
            removal_policy=RemovalPolicy.SNAPSHOT,
            cloudwatch_logs_exports=["error", "slowquery"],
            cloudwatch_logs_retention=profile.log_retention,
            enable_performance_insights=False,
            monitoring_interval=Duration.seconds(60),
            auto_minor_version_upgrade=True,
            publicly_accessible=False,
        )
        self.secret = self.instance.secret
        # Rotation runs in the app subnets (it needs the Secrets Manager API through NAT);
        # CDK opens MySQL to the rotation function's security group and nothing else.
        self.rotation = self.instance.add_rotation_single_user(
            automatically_after=Duration.days(30),
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        )
        acknowledge(
            self.instance,
            (
                "AwsSolutions-RDS11",
                "MySQL keeps its standard port: only the app tier's and the "
                "rotation function's security groups may reach it, and the app reads the port "
                "from the secret.",
            ),
            (
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AmazonRDSEnhancedMonitoringRole]",
                "The AWS-maintained role policy RDS enhanced "
                "monitoring needs to publish OS metrics to CloudWatch Logs.",
            ),
        )
        acknowledge_singletons(
            self,
            "LogRetention",
            (LAMBDA_BASIC_EXECUTION, "CDK's log-retention function only writes its own logs."),
            (
                "AwsSolutions-IAM5[Resource::*]",
                "logs:PutRetentionPolicy/DeleteRetentionPolicy "
                "on log groups RDS creates later, whose ARNs are unknown at deploy time.",
            ),
        )
        if not profile.db_multi_az:
            acknowledge(
                self.instance,
                (
                    "AwsSolutions-RDS3",
                    f"The {profile.name} profile is single-AZ to save cost; prod is Multi-AZ.",
                ),
            )
        if not profile.deletion_protection:
            acknowledge(
                self.instance,
                (
                    "AwsSolutions-RDS10",
                    f"The {profile.name} profile is disposable; prod turns "
                    "deletion protection on and the removal policy takes a final snapshot.",
                ),
            )
