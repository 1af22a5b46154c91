"""Credentials and the admin token from Secrets Manager (moto), including rotation."""

from __future__ import annotations

import json
import threading
import uuid

import boto3
import pytest

from services.app import create_app
from services.app.config import Config
from services.app.db import parse_db_url
from tests.services.app.conftest import connect


@pytest.fixture
def aws(mocked_aws):
    """Secrets Manager in moto's mocked AWS."""
    return boto3.client("secretsmanager", region_name="us-east-1")


@pytest.fixture
def db_user(db_url):
    """A MySQL user of the test's own on the module database, and a root connection."""
    root = connect(db_url)
    user = f"u{uuid.uuid4().hex[:10]}"
    database = parse_db_url(db_url)["database"]
    with root.cursor() as cur:
        cur.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY 'first-password'")
        cur.execute(f"GRANT SELECT, UPDATE ON `{database}`.* TO '{user}'@'%'")
    yield user, root
    with root.cursor() as cur:
        cur.execute(f"DROP USER '{user}'@'%'")
    root.close()


def _rds_secret(db_url: str, user: str, password: str) -> str:
    """The JSON an RDS-attached secret holds."""
    parts = parse_db_url(db_url)
    return json.dumps(
        {
            "engine": "mysql",
            "host": parts["host"],
            "port": parts["port"],
            "dbname": parts["database"],
            "username": user,
            "password": password,
        }
    )


def _in_new_thread(fn):
    """Run fn in a fresh thread, which means a fresh database connection."""
    result = []
    thread = threading.Thread(target=lambda: result.append(fn()))
    thread.start()
    thread.join(30)
    return result[0]


def test_credentials_come_from_the_rds_secret(aws, db_url, db_user):
    user, _ = db_user
    arn = aws.create_secret(Name="db", SecretString=_rds_secret(db_url, user, "first-password"))[
        "ARN"
    ]
    app = create_app(Config(db_secret_arn=arn, db_tls=False, aws_region="us-east-1"))
    response = app.test_client().get("/api/products/1")
    assert response.status_code == 200
    assert response.get_json()["id"] == 1


def test_rotation_never_takes_the_tier_down(aws, db_url, db_user):
    user, root = db_user
    arn = aws.create_secret(
        Name="db-rotating", SecretString=_rds_secret(db_url, user, "first-password")
    )["ARN"]
    app = create_app(Config(db_secret_arn=arn, db_tls=False, aws_region="us-east-1"))
    client = app.test_client()
    assert client.get("/api/products/1").status_code == 200  # caches the old secret value

    # What the RDS rotation function does: new password in the database, then in the secret.
    with root.cursor() as cur:
        cur.execute(f"ALTER USER '{user}'@'%' IDENTIFIED BY 'second-password'")
    aws.put_secret_value(SecretId=arn, SecretString=_rds_secret(db_url, user, "second-password"))

    # The kept connection is unaffected; a new one is denied with the cached password,
    # re-reads the secret once, and succeeds.
    assert client.get("/api/products/2").status_code == 200
    status = _in_new_thread(lambda: app.test_client().get("/api/products/3").status_code)
    assert status == 200


def test_a_wrong_password_everywhere_is_503_not_500(aws, db_url, db_user):
    user, _ = db_user
    arn = aws.create_secret(Name="db-wrong", SecretString=_rds_secret(db_url, user, "nope"))["ARN"]
    client = create_app(Config(db_secret_arn=arn, db_tls=False)).test_client()
    response = client.get("/api/products/1")
    assert response.status_code == 503
    assert response.headers["Retry-After"]


def test_an_unreadable_secret_is_503(aws):
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf"
    client = create_app(Config(db_secret_arn=arn, db_tls=False)).test_client()
    assert client.get("/api/products/1").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_admin_token_from_its_secret_and_after_rotation(aws, db_url):
    arn = aws.create_secret(Name="admin", SecretString="token-one")["ARN"]
    client = create_app(Config(db_url=db_url, admin_token_secret_arn=arn)).test_client()

    def patch(token: str) -> int:
        return client.patch(
            "/api/products/50", json={"stock": 5}, headers={"Authorization": f"Bearer {token}"}
        ).status_code

    assert patch("token-one") == 200
    aws.put_secret_value(SecretId=arn, SecretString="token-two")
    # The cached token no longer matches; the secret is read again and the new one works.
    assert patch("token-two") == 200
    assert patch("token-one") == 401
    assert patch("") == 401
