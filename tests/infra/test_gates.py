"""Offline validation gates: cfn-lint, cdk-nag and checkov over every synthesized environment."""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from aws_cdk import aws_s3 as s3

from tests.infra.conftest import VARIANTS

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHECKOV = ROOT / ".venv" / "checkov" / "bin" / "checkov"
SKIPS = yaml.safe_load((ROOT / "checkov-skips.yaml").read_text())


@pytest.mark.parametrize(("env", "region"), VARIANTS)
def test_cfn_lint_passes(synth, env, region):
    templates = sorted(str(p) for p in synth(env, region).outdir.glob("*.template.json"))
    # W3005 (redundant DependsOn) comes from aws-cdk-lib's own custom-resource providers.
    result = subprocess.run(
        [str(VENV_BIN / "cfn-lint"), "--ignore-checks", "W3005", "--", *templates],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cdk_nag_gate_is_part_of_the_app(tmp_path):
    """build() registers AwsSolutionsChecks: one careless bucket in the app stops synthesis.

    (Every `synth` fixture run is the passing half: the full app synthesizes with the gate.)
    """
    from stacks.vitrine import build, new_app

    app = new_app(outdir=str(tmp_path))
    stacks = build(app)
    s3.Bucket(stacks["edge"], "CarelessBucket")  # no TLS enforcement, no access logs
    with pytest.raises(Exception, match="(?i)validation"):
        app.synth()
    report = (tmp_path / "validation-report.json").read_text()
    assert "CarelessBucket" in report and "AwsSolutions-S1" in report
    assert "AwsSolutions-S10" in report


@pytest.mark.parametrize(("env", "region"), [("dev", "us-east-1"), ("prod", "eu-west-1")])
def test_every_cdk_nag_acknowledgement_answers_a_finding(tmp_path, env, region):
    """Synthesize with acknowledgements recorded, not applied: each must match a finding on
    its construct or below, so none outlives the finding it explains."""
    from stacks import nag
    from stacks.vitrine import build, new_app

    with nag.recording() as acknowledgements:
        app = new_app(outdir=str(tmp_path), env=env, region=region)
        build(app)
        with pytest.raises(Exception, match="(?i)validation"):
            app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    findings = {
        (construct["constructPath"], violation["ruleName"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    }
    stale = [
        (path, rule)
        for path, rule in sorted(set(acknowledgements))
        if not any(r == rule and (p == path or p.startswith(path + "/")) for p, r in findings)
    ]
    assert acknowledgements and stale == []


def _checkov_failures(outdir: Path) -> set[tuple[str, str]]:
    result = subprocess.run(
        [
            str(CHECKOV),
            "--skip-download",
            "-d",
            str(outdir),
            "--framework",
            "cloudformation",
            "--quiet",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    return {
        (failure["check_id"], failure["resource"].split(".", 1)[1])
        for report in reports
        for failure in report["results"]["failed_checks"]
    }


def _skip_for(check: str, logical_id: str) -> dict | None:
    return next(
        (
            s
            for s in SKIPS
            if s["check"] == check
            and any(fnmatch.fnmatchcase(logical_id, p) for p in s["resources"])
        ),
        None,
    )


def test_every_checkov_skip_has_a_reason():
    for skip in SKIPS:
        assert skip["check"] and skip["resources"] and len(skip["reason"]) > 30, skip


@pytest.fixture(scope="session")
def checkov_failures(synth) -> set[tuple[str, str]]:
    assert CHECKOV.exists(), "checkov's venv is missing: run `make test`"
    failures: set[tuple[str, str]] = set()
    for env, region in VARIANTS:
        failures |= _checkov_failures(synth(env, region).outdir)
    return failures


def test_checkov_finds_nothing_unreviewed(checkov_failures):
    unreviewed = sorted(f for f in checkov_failures if _skip_for(*f) is None)
    assert unreviewed == [], "fix these or add them, with a reason, to checkov-skips.yaml"


def test_no_checkov_skip_is_stale(checkov_failures):
    stale = [
        (skip["check"], pattern)
        for skip in SKIPS
        for pattern in skip["resources"]
        if not any(
            c == skip["check"] and fnmatch.fnmatchcase(r, pattern) for c, r in checkov_failures
        )
    ]
    assert stale == [], "these skips match no finding any more: remove them"
