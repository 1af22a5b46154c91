"""make local: says which backing service is missing and how to start it; stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.servers import free_port
from tools.local import LocalStack, StackError, port_is_free, redact

ROOT = Path(__file__).resolve().parents[2]


def run_local(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.local"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unreachable_mysql_is_named_with_where_and_how(tmp_path):
    port = free_port()
    result = run_local(
        VITRINE_DB_URL=f"mysql://root:hunter2@127.0.0.1:{port}/vitrine",
        VITRINE_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
    )
    assert result.returncode == 2
    assert f"MySQL is not reachable at 127.0.0.1:{port}" in result.stderr
    assert "from VITRINE_DB_URL" in result.stderr
    assert "sudo service mariadb start" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout  # passwords never printed
    assert "Traceback" not in result.stderr


@pytest.mark.integration
def test_unreachable_redis_is_named_with_where_and_how(mariadb):
    port = free_port()
    result = run_local(
        VITRINE_DB_URL=mariadb.url("vitrine_local_check"),
        VITRINE_REDIS_URL=f"redis://127.0.0.1:{port}/0",
    )
    assert result.returncode == 2
    assert f"Redis is not reachable at redis://127.0.0.1:{port}/0" in result.stderr
    assert "sudo service redis-server start" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.integration
def test_missing_database_is_created(mariadb):
    stack = LocalStack(db_url=mariadb.url("vitrine_fresh_clone"))
    stack.check_mysql()
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", port=mariadb.port, user="root", password="")
    with conn.cursor() as cur:
        cur.execute("SHOW DATABASES LIKE 'vitrine_fresh_clone'")
        assert cur.fetchone()
    conn.close()


def test_busy_port_is_reported_by_name():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        stack = LocalStack(edge_port=port, cache_port=free_port(), app_port=free_port())
        with pytest.raises(
            StackError, match=rf"Port {port} on 127.0.0.1 \(edge\) is already in use"
        ):
            stack.check_ports()


def test_when_one_tier_dies_the_others_are_stopped():
    stack = LocalStack()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    crasher = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    stack.procs = {"app": sleeper, "cache": crasher}

    assert stack.wait(poll=0.05) == ("cache", 3)
    stack.stop(timeout=5)
    assert sleeper.poll() is not None


@pytest.mark.integration
def test_make_local_serves_then_ctrl_c_stops_everything(mariadb, redis_server):
    ports = {"edge": free_port(), "cache": free_port(), "app": free_port()}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tools.local",
            "--products",
            "30",
            *(f"--{tier}-port={port}" for tier, port in ports.items()),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={
            **os.environ,
            "VITRINE_DB_URL": mariadb.create_database("vitrine_make_local"),
            "VITRINE_REDIS_URL": redis_server.url,
            "VITRINE_ADMIN_TOKEN": "",
        },
    )
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "Ctrl-C stops everything" in line or len(lines) > 500:
                break
        banner = "".join(lines)
        assert f"vitrine is running:  http://127.0.0.1:{ports['edge']}/" in banner, banner
        assert "admin token (generated" in banner
        home = requests.get(f"http://127.0.0.1:{ports['edge']}/api/products?per_page=1", timeout=5)
        assert home.json()["total"] == 30

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
    for tier, port in ports.items():
        assert port_is_free("127.0.0.1", port), f"the {tier} tier still listens on {port}"


def test_redact_hides_passwords_only():
    assert redact("mysql://app:s3cret@db:3306/vitrine") == "mysql://app:***@db:3306/vitrine"
    assert redact("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
