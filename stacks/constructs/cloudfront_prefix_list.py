"""The id of the CloudFront origin-facing managed prefix list, looked up at deploy time.

Prefix list ids differ per region and a synth-time lookup needs an account; an SDK call
during deployment needs neither.
"""

from __future__ import annotations

from aws_cdk import custom_resources as cr
from constructs import Construct

from stacks.nag import LAMBDA_BASIC_EXECUTION, acknowledge, acknowledge_singletons

PREFIX_LIST_NAME = "com.amazonaws.global.cloudfront.origin-facing"


class CloudFrontPrefixList(Construct):
    """`prefix_list_id`: CloudFront's origin-facing addresses in this stack's region."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        call = cr.AwsSdkCall(
            service="EC2",
            action="describeManagedPrefixLists",
            parameters={"Filters": [{"Name": "prefix-list-name", "Values": [PREFIX_LIST_NAME]}]},
            physical_resource_id=cr.PhysicalResourceId.of(PREFIX_LIST_NAME),
            output_paths=["PrefixLists.0.PrefixListId"],
        )
        lookup = cr.AwsCustomResource(
            self,
            "Lookup",
            on_create=call,
            on_update=call,
            # DescribeManagedPrefixLists has no resource-level permissions.
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
                resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE
            ),
            install_latest_aws_sdk=False,
        )
        self.prefix_list_id = lookup.get_response_field("PrefixLists.0.PrefixListId")
        acknowledge(
            lookup,
            (
                "AwsSolutions-IAM5[Resource::*]",
                "ec2:DescribeManagedPrefixLists supports no "
                "resource-level permissions; the action is read-only.",
            ),
        )
        acknowledge_singletons(
            self,
            "AWS679f53fac002430cb0da5b7982bd2287",  # AwsCustomResource's shared function
            (LAMBDA_BASIC_EXECUTION, "The SDK-call function only writes its own logs."),
        )
