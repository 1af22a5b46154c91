"""App-tier settings, read once from `VITRINE_*` environment variables.

The same names are used locally and in `/etc/vitrine/app.env` on EC2. Tests override any
field by passing a dict to `create_app`, so nothing else reads `os.environ`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: The RDS certificate authorities shipped with the bundle (see certs/rds-ca-bundle.pem).
DEFAULT_CA_PATH = str(Path(__file__).resolve().parent / "certs" / "rds-ca-bundle.pem")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A setting is missing or malformed; the service refuses to start."""


@dataclass(frozen=True)
class Config:
    """Everything the app tier can be told; defaults suit a laptop."""

    # Database: a URL locally, a Secrets Manager RDS secret on AWS.
    db_url: str | None = None
    db_secret_arn: str | None = None
    # TLS to the database verifies certificate and hostname; on by default with a secret.
    db_tls: bool | None = None
    db_ca_path: str = DEFAULT_CA_PATH
    # Kept short so an unreachable database becomes a quick 503, not a hung worker.
    db_connect_timeout: float = 2.0
    db_read_timeout: float = 5.0
    db_write_timeout: float = 5.0
    # Write endpoints (PATCH) need this bearer token, given directly or by secret ARN.
    admin_token: str | None = None
    admin_token_secret_arn: str | None = None
    aws_region: str | None = None
    # Cache-Control of every read: what the cache tier and CloudFront may do with it.
    cache_max_age: int = 60
    cache_stale_while_revalidate: int = 30
    cache_stale_if_error: int = 86400
    # A missing product is cached briefly, so a flood of bad ids stays off the database.
    cache_not_found_max_age: int = 10
    # Seconds a client should wait before retrying when the database is down.
    retry_after: int = 5
    max_body_bytes: int = 16 * 1024
    per_page_default: int = 24
    per_page_max: int = 100
    log_level: str = "INFO"

    @property
    def use_tls(self) -> bool:
        """TLS to the database: explicit setting, else on whenever credentials come from AWS."""
        return self.db_secret_arn is not None if self.db_tls is None else self.db_tls

    def cache_control(self) -> str:
        """The Cache-Control value of every successful read."""
        return (
            f"public, max-age={self.cache_max_age}, "
            f"stale-while-revalidate={self.cache_stale_while_revalidate}, "
            f"stale-if-error={self.cache_stale_if_error}"
        )

    def validate(self) -> Config:
        """Fail fast on settings that cannot work; return self."""
        if not self.db_url and not self.db_secret_arn:
            raise ConfigError("set VITRINE_DB_URL or VITRINE_DB_SECRET_ARN")
        if self.db_url and not self.db_url.startswith("mysql://"):
            raise ConfigError("VITRINE_DB_URL must look like mysql://user:pass@host:port/db")
        if self.use_tls and not Path(self.db_ca_path).is_file():
            raise ConfigError(f"VITRINE_DB_CA_PATH {self.db_ca_path} does not exist")
        if not 1 <= self.per_page_default <= self.per_page_max:
            raise ConfigError("per_page_default must be between 1 and per_page_max")
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Build a Config from VITRINE_* variables (and AWS_REGION)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            name = "AWS_REGION" if f.name == "aws_region" else f"VITRINE_{f.name.upper()}"
            raw = env.get(name)
            if raw is None:
                continue
            values[f.name] = _parse(name, raw.strip(), f.default)
        return cls(**values)

    def replace(self, overrides: Mapping[str, object]) -> Config:
        """Return a copy with some fields changed (how tests configure the app)."""
        return dataclasses.replace(self, **dict(overrides))


def _parse(name: str, raw: str, default: object) -> object:
    if isinstance(default, bool) or (default is None and name == "VITRINE_DB_TLS"):
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ConfigError(f"{name} must be 0 or 1, not {raw!r}")
    try:
        if isinstance(default, int):
            value: object = int(raw)
        elif isinstance(default, float):
            value = float(raw)
        else:
            return raw or None
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value < 0:  # type: ignore[operator]
        raise ConfigError(f"{name} must not be negative")
    return value
