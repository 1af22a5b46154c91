"""Redis storage for the cache tier: entries, fetch leases, write invalidation, fail-fast client.

Every call goes through `Store._run`, which applies the circuit breaker and turns any Redis
trouble into `StoreUnavailable`, the signal for "bypass the cache for this request".

Redis layout (prefix `vitrine:` by default; one non-cluster Redis, since the Lua scripts touch
several keys):

| key | holds |
|---|---|
| `e:<key>` | one entry: JSON metadata line, then the body; expires when even stale use ends |
| `l:<key>` | the fetch lease: the holder's token; SET NX PX, so a crashed holder's lapses |
| `m:<key>` | last outcome when nothing was stored: `<token> pass` or `<token> error:<code>` |
| `wseq` | write counter, incremented by every invalidation |
| `g:<tag>` | the write counter's value at the tag's last invalidation |
| `t:<tag>` | the set of entry keys carrying the tag |

A fetch reads `wseq` when it starts and stores only if none of its tags was invalidated
since, so a fetch that began before a write cannot put the old price back afterwards.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import redis
from redis.backoff import NoBackoff
from redis.credentials import CredentialProvider
from redis.retry import Retry

from services.cache.breaker import Breaker
from services.cache.config import Config
from services.common import secrets

log = logging.getLogger("vitrine.cache.store")

# Long enough to outlive any fetch that started before the write (fetches end within the
# upstream timeout); short enough that per-product generation keys do not pile up.
_GENERATION_MS = 3_600_000

_FINISH = """
local n = tonumber(ARGV[5])
local stored = 0
if ARGV[3] ~= '' then
  local current = true
  for i = 1, n do
    if tonumber(redis.call('GET', KEYS[3 + i]) or '0') > tonumber(ARGV[2]) then
      current = false
      break
    end
  end
  if current then
    local px = tonumber(ARGV[4])
    redis.call('SET', KEYS[1], ARGV[3], 'PX', px)
    for i = 1, n do
      local tag = KEYS[3 + n + i]
      redis.call('SADD', tag, KEYS[1])
      if redis.call('PTTL', tag) < px then redis.call('PEXPIRE', tag, px) end
    end
    stored = 1
  end
end
if stored == 0 then
  redis.call('SET', KEYS[3], ARGV[1] .. ' ' .. ARGV[6], 'PX', ARGV[7])
end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return stored
"""

_INVALIDATE = """
local n = tonumber(ARGV[1])
local w = redis.call('INCR', KEYS[1])
for i = 1, n do
  redis.call('SET', KEYS[1 + i], w, 'PX', ARGV[2])
  local members = redis.call('SMEMBERS', KEYS[1 + n + i])
  for j = 1, #members, 500 do
    redis.call('DEL', unpack(members, j, math.min(j + 499, #members)))
  end
  redis.call('DEL', KEYS[1 + n + i])
end
return w
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class StoreUnavailable(Exception):
    """Redis is down, slow, refusing us, or the breaker is open: bypass the cache."""


@dataclass
class Entry:
    """A stored upstream response and what is needed to judge its freshness."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes = field(repr=False)
    stored_at: float  # wall clock (shared by every instance), when it left the upstream
    age0: float = 0.0  # the upstream's own Age header at that moment
    ttl: float = 0.0
    swr: float = 0.0
    sie: float = 0.0

    def header(self, name: str) -> str | None:
        """A stored header's value, the name compared case-insensitively."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def age(self, now: float) -> float:
        """Seconds since the upstream produced this response (RFC 9111 current_age)."""
        return max(now - self.stored_at, 0.0) + self.age0

    def state(self, now: float) -> str:
        """'fresh', 'swr' (serve stale, refresh behind), 'sie' (stale only on error), 'expired'."""
        age = self.age(now)
        if age < self.ttl:
            return "fresh"
        if age < self.ttl + self.swr:
            return "swr"
        if age < self.ttl + self.sie:
            return "sie"
        return "expired"

    def dumps(self) -> bytes:
        """Serialize as one JSON metadata line followed by the raw body."""
        meta = {k: v for k, v in asdict(self).items() if k != "body"}
        return json.dumps(meta, separators=(",", ":")).encode() + b"\n" + self.body

    @classmethod
    def loads(cls, raw: bytes) -> Entry:
        """Inverse of dumps."""
        meta, _, body = raw.partition(b"\n")
        fields = json.loads(meta)
        fields["headers"] = [tuple(pair) for pair in fields["headers"]]
        return cls(body=body, **fields)


class TokenUnavailable(redis.RedisError):
    """The AUTH token could not be read from Secrets Manager."""


class SecretsManagerToken(CredentialProvider):
    """ElastiCache AUTH token from Secrets Manager, asked for on each new connection.

    The value is cached by services.common.secrets; after an authentication failure the
    store forgets it, so a rotated token is picked up by the next connection.
    """

    def __init__(self, arn: str) -> None:
        self.arn = arn

    def get_credentials(self) -> tuple[str]:
        """The current AUTH token (password only: ElastiCache's default user)."""
        try:
            return (secrets.get_secret_string(self.arn),)
        except Exception as exc:  # noqa: BLE001 - any AWS failure means "Redis unusable"
            # A RedisError, so redis-py drops the half-open connection and the store counts
            # a failure (breaker, BYPASS) instead of the request failing with a 500.
            raise TokenUnavailable(f"cannot read the Redis AUTH token: {exc}") from exc


def make_client(config: Config) -> redis.Redis:
    """A redis-py client that fails in milliseconds instead of retrying for seconds.

    redis-py 8's default Retry backs off for about 4-5 s in total; here a lost connection
    (refused, reset) is retried once without backoff and a timeout is not retried at all.
    """
    options: dict = {
        "socket_connect_timeout": config.redis_connect_timeout,
        "socket_timeout": config.redis_timeout,
        "retry": Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
        "retry_on_error": [],
        "health_check_interval": 0,
    }
    if config.redis_auth_secret_arn:
        options["credential_provider"] = SecretsManagerToken(config.redis_auth_secret_arn)
    return redis.Redis.from_url(config.redis_url, **options)


class Store:
    """The cache tier's view of Redis; every method may raise StoreUnavailable."""

    def __init__(self, config: Config, client: redis.Redis | None = None, on_error=None) -> None:
        self.config = config
        self.redis = client or make_client(config)
        self.breaker = Breaker(config.breaker_failures, config.breaker_cooldown)
        self._p = config.key_prefix
        self._on_error = on_error or (lambda: None)
        self._finish = self.redis.register_script(_FINISH)
        self._invalidate = self.redis.register_script(_INVALIDATE)
        self._release = self.redis.register_script(_RELEASE)

    def _run(self, action):
        if not self.breaker.allow():
            raise StoreUnavailable("circuit open")
        try:
            try:
                result = action(self.redis)
            except redis.AuthenticationError:
                if not self.config.redis_auth_secret_arn:
                    raise
                # The token was probably rotated: read the secret again and retry once.
                secrets.forget(self.config.redis_auth_secret_arn)
                result = action(self.redis)
        except redis.RedisError as exc:
            self._failed(exc)
        self.breaker.success()
        return result

    def _failed(self, exc: Exception):
        self.breaker.failure()
        self._on_error()
        log.warning("redis unavailable", extra={"error": repr(exc), "breaker": self.breaker.state})
        raise StoreUnavailable(str(exc)) from exc

    def get(self, key: str) -> Entry | None:
        """The entry under key, or None."""
        raw = self._run(lambda r: r.get(f"{self._p}e:{key}"))
        return Entry.loads(raw) if raw else None

    def begin(self, key: str, token: str) -> tuple[bool, int, str | None, Entry | None]:
        """Try to take the key's fetch lease.

        Returns (acquired, write counter to fetch under, lease holder, entry). The entry is
        read after the lease: a fetch that finished between the caller's miss and now has
        stored its entry before releasing the lease, so it is seen here and not fetched again.
        """

        def action(r: redis.Redis):
            pipe = r.pipeline(transaction=False)
            pipe.set(f"{self._p}l:{key}", token, nx=True, px=self._lease_ms)
            pipe.get(f"{self._p}wseq")
            pipe.get(f"{self._p}l:{key}")
            pipe.get(f"{self._p}e:{key}")
            return pipe.execute()

        acquired, wseq, holder, raw = self._run(action)
        return (
            bool(acquired),
            int(wseq or 0),
            holder.decode() if holder else None,
            Entry.loads(raw) if raw else None,
        )

    def release(self, key: str, token: str) -> None:
        """Give the lease back unused (only if it is still ours)."""
        self._run(lambda r: self._release(keys=[f"{self._p}l:{key}"], args=[token], client=r))

    def poll(self, key: str) -> tuple[Entry | None, str | None, str | None]:
        """One look at a key being fetched by another: (entry, lease holder, last outcome)."""
        names = [f"{self._p}{kind}:{key}" for kind in "elm"]
        raw, holder, marker = self._run(lambda r: r.mget(names))
        return (
            Entry.loads(raw) if raw else None,
            holder.decode() if holder else None,
            marker.decode() if marker else None,
        )

    def finish(
        self,
        key: str,
        token: str,
        wseq: int,
        entry: Entry | None,
        tags: Iterable[str] = (),
        keep: float = 0.0,
        outcome: str = "pass",
    ) -> bool:
        """End a fetch: store the entry (unless a write overtook it), else leave `outcome`
        for the waiters; release the lease if still ours. True if the entry was stored."""
        tags = sorted(tags) if entry else []
        keys = [f"{self._p}{kind}:{key}" for kind in "elm"]
        keys += [f"{self._p}g:{t}" for t in tags] + [f"{self._p}t:{t}" for t in tags]
        args = [
            token,
            wseq,
            entry.dumps() if entry else b"",
            max(int(keep * 1000), 1),
            len(tags),
            outcome,
            self._lease_ms,
        ]
        return bool(self._run(lambda r: self._finish(keys=keys, args=args, client=r)))

    def invalidate(self, tags: Iterable[str]) -> int:
        """Drop every entry carrying one of the tags and fence off fetches already running."""
        tags = sorted(tags)
        keys = [f"{self._p}wseq"]
        keys += [f"{self._p}g:{t}" for t in tags] + [f"{self._p}t:{t}" for t in tags]
        args = [len(tags), _GENERATION_MS]
        return int(self._run(lambda r: self._invalidate(keys=keys, args=args, client=r)))

    def ping(self) -> bool:
        """True when Redis answers (through the breaker, so it is cheap when Redis is down)."""
        try:
            return bool(self._run(lambda r: r.ping()))
        except StoreUnavailable:
            return False

    @property
    def _lease_ms(self) -> int:
        return int(self.config.lease_seconds * 1000)
