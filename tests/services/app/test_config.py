"""Settings from VITRINE_* variables, and the connection arguments they produce."""

from __future__ import annotations

import pytest

from services.app import create_app
from services.app.config import DEFAULT_CA_PATH, Config, ConfigError
from services.app.db import connect_kwargs, parse_db_url


def test_defaults_suit_a_laptop():
    config = Config.from_env({"VITRINE_DB_URL": "mysql://u:p@127.0.0.1:3306/vitrine"}).validate()
    assert config.db_connect_timeout == 2.0
    assert not config.use_tls
    assert config.cache_control() == (
        "public, max-age=60, stale-while-revalidate=30, stale-if-error=86400"
    )


def test_variables_are_parsed_by_type():
    config = Config.from_env(
        {
            "VITRINE_DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:db",
            "VITRINE_CACHE_MAX_AGE": "17",
            "VITRINE_CACHE_STALE_WHILE_REVALIDATE": "5",
            "VITRINE_CACHE_STALE_IF_ERROR": "600",
            "VITRINE_DB_CONNECT_TIMEOUT": "0.5",
            "VITRINE_ADMIN_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:t",
            "AWS_REGION": "sa-east-1",
        }
    )
    assert (
        config.cache_control() == "public, max-age=17, stale-while-revalidate=5, stale-if-error=600"
    )
    assert config.db_connect_timeout == 0.5
    assert config.aws_region == "sa-east-1"
    # Credentials from AWS mean RDS: TLS is on unless explicitly turned off.
    assert config.use_tls
    assert not Config.from_env({"VITRINE_DB_SECRET_ARN": "x", "VITRINE_DB_TLS": "0"}).use_tls


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"VITRINE_DB_URL": "postgres://u@h/db"},
        {"VITRINE_DB_URL": "mysql://u@h/db", "VITRINE_CACHE_MAX_AGE": "soon"},
        {"VITRINE_DB_URL": "mysql://u@h/db", "VITRINE_CACHE_MAX_AGE": "-1"},
        {"VITRINE_DB_URL": "mysql://u@h/db", "VITRINE_DB_TLS": "maybe"},
        {"VITRINE_DB_URL": "mysql://u@h/db", "VITRINE_DB_TLS": "1", "VITRINE_DB_CA_PATH": "/nope"},
    ],
)
def test_unusable_settings_stop_the_service_at_startup(env):
    with pytest.raises(ConfigError):
        Config.from_env(env).validate()


def test_create_app_refuses_to_start_without_a_database(monkeypatch):
    monkeypatch.delenv("VITRINE_DB_URL", raising=False)
    monkeypatch.delenv("VITRINE_DB_SECRET_ARN", raising=False)
    with pytest.raises(ConfigError):
        create_app()


def test_db_url_is_split_and_unquoted():
    assert parse_db_url("mysql://app:p%40ss%2Fword@db.local:3307/shop") == {
        "host": "db.local",
        "port": 3307,
        "user": "app",
        "password": "p@ss/word",
        "database": "shop",
    }


def test_tls_verifies_certificate_and_hostname_against_the_shipped_bundle():
    config = Config(db_secret_arn="arn")
    kwargs = connect_kwargs(config, parse_db_url("mysql://u:p@db.rds.amazonaws.com/vitrine"))
    assert kwargs["ssl_ca"] == DEFAULT_CA_PATH
    assert kwargs["ssl_verify_cert"] is True
    assert kwargs["ssl_verify_identity"] is True
    assert "ssl_disabled" not in kwargs
    assert kwargs["connect_timeout"] == 2.0
    assert kwargs["read_timeout"] == 2.0, "the handshake is bounded by the connect timeout"
    assert kwargs["write_timeout"] == 5.0


def test_plain_connections_are_explicitly_plain_locally():
    kwargs = connect_kwargs(Config(db_url="mysql://u:p@h/db"), parse_db_url("mysql://u:p@h/db"))
    assert kwargs["ssl_disabled"] is True
    assert "ssl_ca" not in kwargs
