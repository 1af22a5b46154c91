"""The whole app synthesizes in every environment and region, with no AWS account."""

from __future__ import annotations

import json

import pytest

from stacks.bootstrap import USER_DATA_LIMIT
from tests.infra.conftest import VARIANTS
from tests.infra.userdata import rendered_user_data

STACKS = ("network", "data", "backend", "edge")


@pytest.mark.parametrize(("env", "region"), VARIANTS)
def test_every_stack_synthesizes(synth, env, region):
    templates = synth(env, region).templates()
    expected = {f"vitrine-{env}-{name}" for name in STACKS}
    if region != "us-east-1":
        # Lambda@Edge must live in us-east-1: the edge function gets a stack of its own there.
        expected.add(f"vitrine-{env}-edge-function")
    assert set(templates) == expected


def test_edge_function_stack_is_in_us_east_1(synth):
    s = synth("prod", "eu-west-1")
    assert s.stacks["edge"].region == "eu-west-1"
    function_stack = next(
        c
        for c in s.stacks["edge"].node.root.node.children
        if getattr(c, "stack_name", "") == "vitrine-prod-edge-function"
    )
    assert function_stack.region == "us-east-1"
    functions = s.templates()["vitrine-prod-edge-function"]["Resources"]
    assert any(r["Type"] == "AWS::Lambda::Function" for r in functions.values())


@pytest.mark.parametrize(("env", "region"), VARIANTS)
def test_asgs_use_launch_templates_with_imdsv2(synth, env, region):
    s = synth(env, region)
    assert s.resources("AWS::AutoScaling::LaunchConfiguration") == []
    groups = s.resources("AWS::AutoScaling::AutoScalingGroup")
    assert len(groups) == 2
    for _, _, group in groups:
        assert "LaunchTemplate" in group["Properties"]
    templates = s.resources("AWS::EC2::LaunchTemplate")
    assert len(templates) == 2
    for _, _, lt in templates:
        data = lt["Properties"]["LaunchTemplateData"]
        assert data["MetadataOptions"]["HttpTokens"] == "required"
        assert "KeyName" not in data
        assert all(d["Ebs"]["Encrypted"] for d in data["BlockDeviceMappings"])


@pytest.mark.parametrize(("env", "region"), VARIANTS)
def test_user_data_fits_in_16_kb(synth, env, region):
    scripts = rendered_user_data(synth(env, region))
    assert len(scripts) == 2
    for logical_id, script in scripts.items():
        size = len(script.encode())
        assert size < USER_DATA_LIMIT, f"{logical_id} user data is {size} bytes"
        assert script.startswith("#!/bin/bash\n")
        commands = [ln for ln in script.splitlines()[1:] if ln.strip() and ln[0] != "#"]
        assert commands[0] == "set -euo pipefail", "errors must stop the boot and signal"


def test_prod_is_highly_available(synth):
    s = synth("prod", "us-east-1")
    ((_, _, db),) = s.resources("AWS::RDS::DBInstance")
    assert db["Properties"]["MultiAZ"] is True
    assert db["Properties"]["DeletionProtection"] is True
    ((_, _, redis),) = s.resources("AWS::ElastiCache::ReplicationGroup")
    assert redis["Properties"]["AutomaticFailoverEnabled"] is True
    assert redis["Properties"]["MultiAZEnabled"] is True
    assert redis["Properties"]["ReplicasPerNodeGroup"] == 2
    subnets = {
        r["Properties"]["AvailabilityZone"]["Fn::Select"][0]
        for _, _, r in s.resources("AWS::EC2::Subnet")
    }
    assert subnets == {0, 1, 2}


def test_dev_is_cheap(dev):
    nat = dev.resources("AWS::EC2::NatGateway")
    assert len(nat) == 1
    ((_, _, db),) = dev.resources("AWS::RDS::DBInstance")
    assert db["Properties"]["MultiAZ"] is False
    ((_, _, redis),) = dev.resources("AWS::ElastiCache::ReplicationGroup")
    assert redis["Properties"]["ReplicasPerNodeGroup"] == 0


def test_outputs_name_what_an_operator_needs(dev):
    templates = dev.templates()
    outputs = {k for t in templates.values() for k in t.get("Outputs", {})}
    for name in (
        "SiteUrl",
        "CacheAlbDnsName",
        "AppAlbDnsName",
        "DbEndpoint",
        "RedisEndpoint",
        "DbSecretArn",
        "RedisAuthSecretArn",
        "AdminTokenSecretArn",
    ):
        assert name in outputs


def _violations(outdir) -> list[tuple[str, str, str]]:
    report = json.loads((outdir / "validation-report.json").read_text())
    return [
        (plugin["pluginName"], violation["ruleName"], violation["severity"])
        for plugin in report.get("pluginReports", [])
        for violation in plugin.get("violations", [])
    ]


@pytest.mark.parametrize(("env", "region"), VARIANTS)
def test_synthesis_reports_no_warnings_or_errors(synth, env, region):
    """What `cdk synth --strict` (make synth) would refuse: any warning, error or finding in
    the validation report (annotations, CloudFormation rules, cdk-nag)."""
    assert _violations(synth(env, region).outdir) == []


def test_a_warning_would_show_in_the_report(tmp_path):
    import aws_cdk as cdk
    from aws_cdk import aws_sns as sns

    from stacks.vitrine import new_app

    app = new_app(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Odd")
    sns.Topic(stack, "Topic")
    cdk.Annotations.of(stack).add_warning("something odd")
    app.synth()
    assert ("Construct Annotations", "Annotation::warning-annotation", "warning") in _violations(
        tmp_path
    )
