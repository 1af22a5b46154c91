"""The ElastiCache AUTH token comes from Secrets Manager (moto), and survives rotation."""

from __future__ import annotations

import boto3
import pytest
import redis

from tests.services.cache.conftest import make_app

PRODUCT = "/api/products/1"


@pytest.fixture
def aws(mocked_aws):
    """Secrets Manager in moto's mocked AWS."""
    return boto3.client("secretsmanager", region_name="us-east-1")


def test_auth_token_is_read_from_secrets_manager_and_reread_after_rotation(
    aws, redis_server, upstream
):
    arn = aws.create_secret(Name="vitrine/redis-auth", SecretString="first-token-0123")["ARN"]
    admin = redis.Redis.from_url(redis_server.url)
    admin.config_set("requirepass", "first-token-0123")
    admin = redis.Redis.from_url(redis_server.url, password="first-token-0123")
    upstream.route(PRODUCT)
    client = make_app(redis_server.url, upstream.url, redis_auth_secret_arn=arn).test_client()

    assert client.get(PRODUCT).headers["X-Cache"] == "MISS"
    assert client.get(PRODUCT).headers["X-Cache"] == "HIT"  # authenticated, so it stored

    # Rotation: new token in Redis and in the secret; old connections are dropped.
    aws.put_secret_value(SecretId=arn, SecretString="second-token-4567")
    admin.config_set("requirepass", "second-token-4567")
    admin = redis.Redis.from_url(redis_server.url, password="second-token-4567")
    admin.client_kill_filter(_type="normal", skipme=True)

    labels = [client.get(PRODUCT).headers["X-Cache"] for _ in range(3)]
    assert labels == ["HIT"] * 3, "the token is re-read at once; no request bypasses"


def test_without_the_right_token_the_tier_bypasses_instead_of_failing(aws, redis_server, upstream):
    arn = aws.create_secret(Name="vitrine/redis-auth", SecretString="wrong-token")["ARN"]
    redis.Redis.from_url(redis_server.url).config_set("requirepass", "right-token")
    upstream.route(PRODUCT)
    client = make_app(redis_server.url, upstream.url, redis_auth_secret_arn=arn).test_client()
    answer = client.get(PRODUCT)
    assert (answer.status_code, answer.headers["X-Cache"]) == (200, "BYPASS")


def test_an_unreadable_auth_secret_bypasses_instead_of_failing(aws, redis_server, upstream):
    # Secrets Manager refuses (deleted secret, no permission, throttled): Redis is unusable,
    # which the tier survives by bypassing it, never with a 5xx.
    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:vitrine/nope-AbCdEf"
    redis.Redis.from_url(redis_server.url).config_set("requirepass", "right-token")
    upstream.route(PRODUCT)
    client = make_app(redis_server.url, upstream.url, redis_auth_secret_arn=missing).test_client()
    answers = [client.get(PRODUCT) for _ in range(5)]
    assert [(a.status_code, a.headers.get("X-Cache")) for a in answers] == [(200, "BYPASS")] * 5
    assert client.application.extensions["vitrine.cache"].store.breaker.state == "open"
