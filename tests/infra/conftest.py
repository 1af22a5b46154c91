"""Synthesis fixtures: every test synthesizes with cdk.json's context, through `synth`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.infra

VARIANTS = [
    ("dev", "us-east-1"),
    ("prod", "us-east-1"),
    ("dev", "eu-west-1"),
    ("prod", "eu-west-1"),
]


@dataclass
class Synth:
    """One synthesized environment: its cloud assembly on disk and its templates."""

    env: str
    region: str
    outdir: Path
    stacks: dict

    def templates(self) -> dict[str, dict]:
        """Stack name → template, for every template in the assembly (edge-function too)."""
        return {
            path.name.removesuffix(".template.json"): json.loads(path.read_text())
            for path in sorted(self.outdir.glob("*.template.json"))
        }

    def resources(self, type_: str) -> list[tuple[str, str, dict]]:
        """(stack, logical id, resource) for every resource of a CloudFormation type."""
        return [
            (stack, logical_id, resource)
            for stack, template in self.templates().items()
            for logical_id, resource in template.get("Resources", {}).items()
            if resource["Type"] == type_
        ]


def synthesize(env: str, region: str, outdir: Path) -> Synth:
    """Build and synthesize the whole app exactly as `cdk synth -c env= -c region=` does."""
    from stacks.vitrine import build, new_app

    app = new_app(outdir=str(outdir), env=env, region=region)
    stacks = build(app)
    app.synth()
    return Synth(env, region, outdir, stacks)


_cache: dict[tuple[str, str], Synth] = {}


@pytest.fixture(scope="session")
def synth(tmp_path_factory):
    """synth(env, region) → Synth, each variant synthesized once per session."""

    def get(env: str = "dev", region: str = "us-east-1") -> Synth:
        key = (env, region)
        if key not in _cache:
            _cache[key] = synthesize(env, region, tmp_path_factory.mktemp(f"cdk-{env}-{region}"))
        return _cache[key]

    return get


@pytest.fixture(scope="session")
def dev(synth) -> Synth:
    """The default environment: dev in us-east-1."""
    return synth("dev", "us-east-1")
