"""Typed, frozen environment profiles: every knob a deployment of vitrine can turn.

Pick one with `-c env=dev|prod`; constructs receive these values as arguments and never
read the process environment themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk.aws_logs import RetentionDays


@dataclass(frozen=True)
class TierProfile:
    """Size and scaling of one EC2 tier (cache or app)."""

    instance_type: str
    min_capacity: int
    max_capacity: int
    desired_capacity: int
    cpu_target_percent: int = 50

    def __post_init__(self) -> None:
        if not 1 <= self.min_capacity <= self.desired_capacity <= self.max_capacity:
            raise ValueError(
                f"need 1 <= min <= desired <= max, got {self.min_capacity}/"
                f"{self.desired_capacity}/{self.max_capacity} for {self.instance_type}"
            )


@dataclass(frozen=True)
class EnvProfile:
    """One environment: network shape, tier sizes, Redis and RDS settings."""

    name: str
    max_azs: int
    nat_gateways: int
    cache_tier: TierProfile
    app_tier: TierProfile
    redis_node_type: str
    redis_replicas: int
    db_instance_class: str
    db_allocated_storage_gib: int
    db_max_allocated_storage_gib: int
    db_multi_az: bool
    db_backup_days: int
    deletion_protection: bool
    seed_products: int
    log_retention: RetentionDays
    # Cache-Control the app tier puts on reads (seconds); the cache tier and CloudFront obey it.
    cache_max_age: int = 30
    cache_stale_while_revalidate: int = 60
    cache_stale_if_error: int = 600
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max_azs < 2:
            raise ValueError("ALBs, RDS and ElastiCache subnet groups need at least 2 AZs")
        if not 0 <= self.redis_replicas <= 5:
            raise ValueError("redis_replicas must be 0..5")
        if self.redis_replicas and self.max_azs < 2:
            raise ValueError("Redis replicas need 2 or more AZs")

    @property
    def redis_failover(self) -> bool:
        """Automatic failover and Multi-AZ need at least one replica."""
        return self.redis_replicas > 0


DEV = EnvProfile(
    name="dev",
    max_azs=2,
    nat_gateways=1,
    cache_tier=TierProfile("r7i.large", 1, 2, 1),
    app_tier=TierProfile("c5.large", 1, 2, 1),
    redis_node_type="cache.t4g.micro",
    redis_replicas=0,
    db_instance_class="t4g.micro",
    db_allocated_storage_gib=20,
    db_max_allocated_storage_gib=50,
    db_multi_az=False,
    db_backup_days=1,
    deletion_protection=False,
    seed_products=1000,
    log_retention=RetentionDays.TWO_WEEKS,
)

PROD = EnvProfile(
    name="prod",
    max_azs=3,
    nat_gateways=3,
    cache_tier=TierProfile("r7i.xlarge", 3, 9, 3),
    app_tier=TierProfile("c5.xlarge", 3, 12, 3),
    redis_node_type="cache.r7g.large",
    redis_replicas=2,
    db_instance_class="r7g.large",
    db_allocated_storage_gib=100,
    db_max_allocated_storage_gib=1000,
    db_multi_az=True,
    db_backup_days=14,
    deletion_protection=True,
    seed_products=0,
    log_retention=RetentionDays.ONE_YEAR,
)

PROFILES: dict[str, EnvProfile] = {p.name: p for p in (DEV, PROD)}


def profile(name: str) -> EnvProfile:
    """Return the named profile, or fail with the names that exist."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown env {name!r}; choose one of {sorted(PROFILES)}") from None
