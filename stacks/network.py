"""Network stack: the VPC every other stack lives in."""

from __future__ import annotations

from aws_cdk import Fn, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from stacks.config import EnvProfile


class NetworkStack(Stack):
    """VPC with public, private-with-egress and isolated subnets, flow logs, S3 endpoint."""

    @property
    def availability_zones(self) -> list[str]:
        """The first max_azs AZs of the region, resolved at deploy time.

        Without an account CDK's default offers only two AZ tokens, which would quietly make
        a three-AZ profile two-AZ; Fn::GetAZs resolves in whatever account deploys it.
        """
        return [Fn.select(i, Fn.get_azs()) for i in range(self._max_azs)]

    def __init__(self, scope: Construct, id: str, *, profile: EnvProfile, **kwargs) -> None:
        self._max_azs = profile.max_azs
        super().__init__(scope, id, **kwargs)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=profile.max_azs,
            nat_gateways=profile.nat_gateways,
            subnet_configuration=[
                # Only NAT gateways live here: the ALBs are internal, CloudFront reaches
                # the cache tier's ALB through a VPC origin.
                ec2.SubnetConfiguration(
                    name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24
                ),
                ec2.SubnetConfiguration(
                    name="app", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=22
                ),
                ec2.SubnetConfiguration(
                    name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)
            },
        )
        flow_log_group = logs.LogGroup(
            self,
            "FlowLogs",
            retention=profile.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.vpc.add_flow_log(
            "FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_log_group)
        )
