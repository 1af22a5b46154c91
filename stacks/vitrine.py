"""Compose vitrine's stacks into an App, with cdk-nag and CDK's own validation as gates."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from stacks.backend import BackendStack
from stacks.config import profile
from stacks.data import DataStack
from stacks.edge import EdgeStack
from stacks.network import NetworkStack

CDK_JSON = Path(__file__).resolve().parents[1] / "cdk.json"
DEFAULT_REGION = "us-east-1"


def cdk_json_context() -> dict:
    """The feature flags and defaults from cdk.json (the CLI reads them; `App()` alone doesn't)."""
    return dict(json.loads(CDK_JSON.read_text())["context"])


def new_app(outdir: str | None = None, **context: str) -> cdk.App:
    """An App with cdk.json's context, overridden by `context` (what `-c k=v` would set)."""
    return cdk.App(outdir=outdir, context={**cdk_json_context(), **context})


def build(app: cdk.App, *, account: str | None = None) -> dict[str, cdk.Stack]:
    """Create every stack of the environment named by the app's `env`/`region` context."""
    env_profile = profile(app.node.try_get_context("env") or "dev")
    region = app.node.try_get_context("region") or DEFAULT_REGION
    env = cdk.Environment(account=account, region=region)
    prefix = f"vitrine-{env_profile.name}"

    network = NetworkStack(app, f"{prefix}-network", profile=env_profile, env=env)
    data = DataStack(app, f"{prefix}-data", vpc=network.vpc, profile=env_profile, env=env)
    backend = BackendStack(
        app, f"{prefix}-backend", vpc=network.vpc, data=data, profile=env_profile, env=env
    )
    edge = EdgeStack(
        app,
        f"{prefix}-edge",
        profile=env_profile,
        api_alb=backend.cache_tier.alb,
        logs_bucket=data.logs,
        env=env,
        # The edge function's us-east-1 stack exports a version ARN via SSM: allowed only
        # when stacks declare cross-region references.
        cross_region_references=region != "us-east-1",
    )
    for stack in (network, data, backend, edge):
        cdk.Tags.of(stack).add("project", "vitrine")
        cdk.Tags.of(stack).add("environment", env_profile.name)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return {"network": network, "data": data, "backend": backend, "edge": edge}
