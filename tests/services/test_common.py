"""services.common: what both tiers rely on."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from services.common import secrets


def test_a_stalled_secrets_endpoint_fails_within_seconds(monkeypatch):
    """An endpoint that accepts TCP and never answers must not hold a caller for a minute."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": f"http://127.0.0.1:{listener.getsockname()[1]}",
    }.items():
        monkeypatch.setenv(name, value)
    secrets.forget()
    started = time.monotonic()
    try:
        with pytest.raises(Exception, match="(?i)timeout|timed out"):
            secrets.get_secret_string("arn:aws:secretsmanager:us-east-1:1:secret:x")
        elapsed = time.monotonic() - started
        assert elapsed < 10, f"took {elapsed:.1f}s"
        assert len(accepted) <= 2  # one try and one retry
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
        secrets.forget()
