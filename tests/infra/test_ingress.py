"""Security groups allow exactly the seed's data flow, derived from the synthesized templates."""

from __future__ import annotations

import copy

import pytest

from tests.infra.conftest import VARIANTS

# (from, to, port): what the seed's architecture needs, and the one operational extra.
EXPECTED_EDGES = {
    ("cloudfront", "vitrine cache tier ALB", 80),
    ("vitrine cache tier ALB", "vitrine cache tier instances", 8080),
    ("vitrine cache tier instances", "vitrine app tier ALB", 80),
    ("vitrine app tier ALB", "vitrine app tier instances", 8081),
    ("vitrine app tier instances", "RDS MySQL", 3306),
    ("vitrine cache tier instances", "ElastiCache Redis", 6379),
    # Secrets Manager rotation must log in to MySQL to change the password.
    ("rotation function", "RDS MySQL", 3306),
}


def _group_names(templates: dict[str, dict]) -> dict[tuple[str, str], str]:
    names = {}
    for stack, template in templates.items():
        for logical_id, r in template.get("Resources", {}).items():
            if r["Type"] == "AWS::EC2::SecurityGroup":
                desc = r["Properties"]["GroupDescription"]
                names[(stack, logical_id)] = (
                    "rotation function" if "RotationSingleUser" in desc else desc
                )
    return names


def _resolve_group(ref, stack: str, templates: dict[str, dict]) -> tuple[str, str]:
    """Follow GetAtt / GetStackOutput / ImportValue to (stack, security group logical id)."""
    if "Fn::GetAtt" in ref:
        return stack, ref["Fn::GetAtt"][0]
    if "Ref" in ref:
        return stack, ref["Ref"]
    if "Fn::GetStackOutput" in ref:
        out = ref["Fn::GetStackOutput"]
        value = templates[out["StackName"]]["Outputs"][out["OutputName"]]["Value"]
        return _resolve_group(value, out["StackName"], templates)
    if "Fn::ImportValue" in ref:
        for other, template in templates.items():
            for output in template.get("Outputs", {}).values():
                if output.get("Export", {}).get("Name") == ref["Fn::ImportValue"]:
                    return _resolve_group(output["Value"], other, templates)
    raise AssertionError(f"cannot resolve security group reference {ref!r}")


def ingress_edges(templates: dict[str, dict]) -> set[tuple[str, str, int]]:
    """Every (source, target group, port) that any template lets in."""
    names = _group_names(templates)
    edges = set()

    def port(stack, value) -> int:
        if isinstance(value, dict):  # GetAtt <DB instance>.Endpoint.Port
            logical_id, attribute = value["Fn::GetAtt"]
            assert attribute == "Endpoint.Port", value
            return int(templates[stack]["Resources"][logical_id]["Properties"]["Port"])
        return int(value)

    def add(stack, target_ref, rule):
        target = names[_resolve_group(target_ref, stack, templates)]
        from_port, to_port = port(stack, rule["FromPort"]), port(stack, rule["ToPort"])
        assert from_port == to_port, f"port range into {target}: {rule}"
        if "SourceSecurityGroupId" in rule:
            source = names[_resolve_group(rule["SourceSecurityGroupId"], stack, templates)]
        elif "SourcePrefixListId" in rule:
            prefix = rule["SourcePrefixListId"]
            assert "CloudFrontOrigins" in str(prefix), f"unknown prefix list {prefix}"
            source = "cloudfront"
        else:
            source = rule.get("CidrIp") or rule.get("CidrIpv6")
        edges.add((source, target, from_port))

    for stack, template in templates.items():
        for logical_id, r in template.get("Resources", {}).items():
            if r["Type"] == "AWS::EC2::SecurityGroupIngress":
                add(stack, r["Properties"]["GroupId"], r["Properties"])
            elif r["Type"] == "AWS::EC2::SecurityGroup":
                for rule in r["Properties"].get("SecurityGroupIngress", []):
                    add(stack, {"Ref": logical_id}, rule)
    return edges


@pytest.mark.parametrize(("env", "region"), VARIANTS)
def test_ingress_is_exactly_the_data_flow(synth, env, region):
    assert ingress_edges(synth(env, region).templates()) == EXPECTED_EDGES


def test_an_extra_edge_would_be_caught(dev):
    templates = copy.deepcopy(dev.templates())
    backend = templates["vitrine-dev-backend"]["Resources"]
    app_sg = next(
        k
        for k, r in backend.items()
        if r["Type"] == "AWS::EC2::SecurityGroup"
        and r["Properties"]["GroupDescription"] == "vitrine app tier instances"
    )
    backend["Sneaky"] = {
        "Type": "AWS::EC2::SecurityGroupIngress",
        "Properties": {
            "GroupId": {"Fn::GetAtt": [app_sg, "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "CidrIp": "0.0.0.0/0",
        },
    }
    edges = ingress_edges(templates)
    assert edges - EXPECTED_EDGES == {("0.0.0.0/0", "vitrine app tier instances", 22)}


def test_data_stores_and_albs_have_no_open_egress(dev):
    """Only the tier instances may call out (HTTPS through NAT); nothing else has egress."""
    for _, _, sg in dev.resources("AWS::EC2::SecurityGroup"):
        desc = sg["Properties"]["GroupDescription"]
        for rule in sg["Properties"].get("SecurityGroupEgress", []):
            if rule.get("CidrIp") == "0.0.0.0/0":
                assert desc.endswith("instances") or "Rotation" in desc, desc
                if desc.endswith("instances"):
                    assert (rule["FromPort"], rule["ToPort"]) == (443, 443)
