"""The EC2 bootstrap: user data and setup.sh pass shellcheck, carry no secrets, and setup.sh
really installs and starts a tier from the synthesized bundle (systemd stood in by shims)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.infra import shims
from tests.infra.userdata import PLACEHOLDER, rendered_user_data
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
SHELLCHECK = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or "shellcheck"
SCRIPTS = [ROOT / "services/setup.sh", ROOT / "stacks/bootstrap/user-data.sh", ROOT / ".ci/run"]


def _shellcheck(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([SHELLCHECK, "-x", str(path)], capture_output=True, text=True)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_pass_shellcheck(script):
    result = _shellcheck(script)
    assert result.returncode == 0, result.stdout


def test_rendered_user_data_passes_shellcheck(dev, tmp_path):
    for logical_id, script in rendered_user_data(dev).items():
        path = tmp_path / f"{logical_id}.sh"
        path.write_text(script)
        result = _shellcheck(path)
        assert result.returncode == 0, f"{logical_id}:\n{result.stdout}"


def _env_file(script: str) -> tuple[str, dict[str, str]]:
    match = re.search(
        r"cat > /etc/vitrine/(\w+)\.env <<'VITRINE_ENV'\n(.*?)\nVITRINE_ENV\n", script, re.S
    )
    assert match, "user data writes no /etc/vitrine/<tier>.env"
    return match.group(1), dict(line.split("=", 1) for line in match.group(2).splitlines())


def test_user_data_env_files_name_secrets_but_hold_none(dev):
    envs = dict(_env_file(s) for s in rendered_user_data(dev).values())
    assert set(envs) == {"app", "cache"}
    assert set(envs["app"]) == {
        "AWS_REGION",
        "VITRINE_BIND",
        "VITRINE_DB_SECRET_ARN",
        "VITRINE_ADMIN_TOKEN_SECRET_ARN",
        "VITRINE_SEED_PRODUCTS",
        "VITRINE_CACHE_MAX_AGE",
        "VITRINE_CACHE_STALE_WHILE_REVALIDATE",
        "VITRINE_CACHE_STALE_IF_ERROR",
    }
    assert set(envs["cache"]) == {
        "AWS_REGION",
        "VITRINE_BIND",
        "VITRINE_REDIS_URL",
        "VITRINE_REDIS_AUTH_SECRET_ARN",
        "VITRINE_UPSTREAM_URL",
    }
    assert envs["app"]["VITRINE_BIND"] == "0.0.0.0:8081"
    assert envs["cache"]["VITRINE_BIND"] == "0.0.0.0:8080"
    assert envs["cache"]["VITRINE_REDIS_URL"].startswith("rediss://")
    for env in envs.values():
        for name, value in env.items():
            assert "PASSWORD" not in name and "TOKEN=" not in name
            # Secrets are referenced by ARN (a token here), never inlined.
            if name.endswith("_SECRET_ARN"):
                assert value == PLACEHOLDER


def test_bundles_hold_their_tier_and_setup(dev):
    backend = dev.stacks["backend"]
    for tier, other in (("app", "cache"), ("cache", "app")):
        bundle = dev.outdir / f"asset.{getattr(backend, f'{tier}_tier').bundle.asset_hash}"
        assert (bundle / tier / "wsgi.py").is_file()
        assert (bundle / tier / "requirements.txt").is_file()
        assert (bundle / "setup.sh").is_file() and (bundle / "vitrine@.service").is_file()
        assert (bundle / "common" / "web.py").is_file()
        assert not (bundle / other).exists()
        assert not list(bundle.rglob("__pycache__"))
    assert (
        dev.outdir
        / f"asset.{backend.app_tier.bundle.asset_hash}"
        / "app"
        / "certs"
        / "rds-ca-bundle.pem"
    ).is_file()


@contextlib.contextmanager
def setup_run(synth, tier: str, env_lines: list[str], tmp_path: Path):
    """Run the tier's synthesized bundle's setup.sh in a scratch root with systemd shims.

    Yields (completed process, scratch root, shim calls); stops the started service after.
    """
    bundle = (
        synth.outdir / f"asset.{getattr(synth.stacks['backend'], f'{tier}_tier').bundle.asset_hash}"
    )
    root = tmp_path / "root"
    release = root / "opt/vitrine/releases/bundle1"
    shutil.copytree(bundle, release / "services")
    env_file = root / f"etc/vitrine/{tier}.env"
    env_file.parent.mkdir(parents=True)
    env_file.write_text("\n".join([*env_lines, "VITRINE_WORKERS=1"]) + "\n")
    shims.install(tmp_path / "bin")
    shim_log = tmp_path / "calls.jsonl"
    env = {
        **os.environ,
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VITRINE_ROOT": str(root),
        "VITRINE_PYTHON": sys.executable,
        "VITRINE_HEALTH_TIMEOUT": "60",
        "SHIM_LOG": str(shim_log),
    }
    try:
        result = subprocess.run(
            ["bash", str(release / "services/setup.sh"), tier, str(release)],
            env=env,
            capture_output=True,
            text=True,
            timeout=540,
        )
        calls = [json.loads(line) for line in shim_log.read_text().splitlines()]
        assert result.returncode == 0, result.stdout + result.stderr
        assert "healthy" in result.stdout
        assert (root / "opt/vitrine/current").resolve() == release.resolve()
        assert (root / "etc/systemd/system/vitrine@.service").is_file()
        assert ["systemctl", "daemon-reload"] in calls
        assert ["systemctl", "enable", f"vitrine@{tier}.service"] in calls
        assert ["systemctl", "restart", f"vitrine@{tier}.service"] in calls
        yield result, root, calls
    finally:
        pid_file = root / f"{tier}.pid"
        if pid_file.exists():
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)


@pytest.mark.integration
@pytest.mark.timeout(600)
def test_setup_installs_migrates_seeds_and_starts_the_app_tier(dev, mariadb, tmp_path):
    port = free_port()
    env_lines = [
        f"VITRINE_DB_URL={mariadb.create_database('bootstrap')}",
        "VITRINE_ADMIN_TOKEN=bootstrap-token",
        f"VITRINE_BIND=127.0.0.1:{port}",
        "VITRINE_SEED_PRODUCTS=40",
    ]
    with setup_run(dev, "app", env_lines, tmp_path) as (_, _, calls):
        listing = requests.get(f"http://127.0.0.1:{port}/api/products?per_page=1", timeout=5)
        assert listing.status_code == 200 and listing.json()["total"] == 40
        runs = [c[-3:] for c in calls if c[0] == "systemd-run"]
        assert ["-m", "services.app", "migrate"] in runs
        assert any("--if-empty" in c for c in calls if c[0] == "systemd-run")
        assert any("--uid=vitrine" in c for c in calls if c[0] == "systemd-run")


@pytest.mark.integration
@pytest.mark.timeout(600)
def test_setup_installs_and_starts_the_cache_tier(dev, redis_server, tmp_path):
    """The cache bundle's own pinned requirements run the cache service against Redis."""
    port = free_port()
    env_lines = [
        f"VITRINE_REDIS_URL={redis_server.url}",
        f"VITRINE_UPSTREAM_URL=http://127.0.0.1:{free_port()}",  # nothing there
        f"VITRINE_BIND=127.0.0.1:{port}",
    ]
    with setup_run(dev, "cache", env_lines, tmp_path) as (_, _, calls):
        health = requests.get(f"http://127.0.0.1:{port}/api/healthz", timeout=5)
        assert health.status_code == 503
        assert health.json() == {"cache": "ok", "redis": "up", "upstream": "down"}
        assert not [c for c in calls if c[0] == "systemd-run"]  # no migrations here


def test_setup_refuses_an_unknown_tier(tmp_path):
    result = subprocess.run(
        ["bash", str(ROOT / "services/setup.sh"), "web", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "unknown tier 'web'" in result.stderr
