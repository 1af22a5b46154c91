"""cdk-nag acknowledgements: one helper so every one names a rule and a true reason."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

_recorder: list[tuple[str, str]] | None = None


def acknowledge(scope: IConstruct, *findings: tuple[str, str]) -> None:
    """Acknowledge (rule id, reason) findings on scope and everything below it."""
    for rule, reason in findings:
        if _recorder is not None:
            _recorder.append((scope.node.path, rule))
        else:
            Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


@contextlib.contextmanager
def recording() -> Iterator[list[tuple[str, str]]]:
    """Record (construct path, rule) acknowledgements instead of applying them, so a test can
    check that each one still answers a finding."""
    global _recorder
    _recorder = []
    try:
        yield _recorder
    finally:
        _recorder = None


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
