"""cdk-nag acknowledgements: one helper so every one names a rule and a true reason."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def acknowledge(scope: IConstruct, *findings: tuple[str, str]) -> None:
    """Acknowledge (rule id, reason) findings on scope and everything below it."""
    for rule, reason in findings:
        Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def acknowledge_singletons(scope: IConstruct, id_prefix: str, *findings: tuple[str, str]) -> None:
    """Acknowledge findings on the stack-level singletons CDK creates (ids start with id_prefix).

    Constructs such as BucketDeployment or LogRetention place one shared function at the top
    of the stack; the acknowledgement belongs on that function, not on the whole stack.
    """
    from aws_cdk import Stack

    matched = [c for c in Stack.of(scope).node.children if c.node.id.startswith(id_prefix)]
    if not matched:
        raise LookupError(f"no construct whose id starts with {id_prefix!r} in {Stack.of(scope)}")
    for child in matched:
        acknowledge(child, *findings)


LAMBDA_BASIC_EXECUTION = (
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AWSLambdaBasicExecutionRole]"
)
