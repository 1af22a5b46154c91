"""A random token generated into Secrets Manager (Redis AUTH, the admin bearer token)."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from stacks.nag import acknowledge


def token_secret(
    scope: Construct, id: str, *, description: str, length: int, rotation: str
) -> secretsmanager.Secret:
    """An alphanumeric token of `length` characters; `rotation` says how it is rotated."""
    secret = secretsmanager.Secret(
        scope,
        id,
        description=description,
        # Alphanumerics are safe everywhere: Redis AUTH forbids @, " and /, headers forbid more.
        generate_secret_string=secretsmanager.SecretStringGenerator(
            password_length=length, exclude_punctuation=True
        ),
        removal_policy=RemovalPolicy.DESTROY,
    )
    acknowledge(secret, ("AwsSolutions-SMG4", rotation))
    return secret
