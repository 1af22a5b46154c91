"""Whether an upstream response may be stored, for how long, and how stale it may be served.

Only what a shared cache needs from RFC 9111 and RFC 5861: `s-maxage` over `max-age`,
`no-store`/`private`/`no-cache` (not stored), `must-revalidate`/`proxy-revalidate` (never
served stale), `stale-while-revalidate` and `stale-if-error`. Responses without an explicit
lifetime are not stored, except 404s, which are kept briefly to shield the app tier from
repeated lookups of missing products.
"""

from __future__ import annotations

from dataclasses import dataclass

# Statuses a shared cache may store when the response says for how long.
_CACHEABLE = frozenset({200, 203, 204, 300, 301, 308, 404, 410})
_NEGATIVE = frozenset({404, 410})


def parse_cache_control(value: str | None) -> dict[str, str | None]:
    """Directives of a Cache-Control header: lower-case name -> argument (None if bare)."""
    directives: dict[str, str | None] = {}
    for part in (value or "").split(","):
        name, sep, arg = part.strip().partition("=")
        name = name.strip().lower()
        if name:
            directives[name] = arg.strip().strip('"') if sep else None
    return directives


def _seconds(value: str | None) -> float | None:
    try:
        seconds = int(value) if value is not None else None
    except ValueError:
        return None
    return max(seconds, 0) if seconds is not None else None


@dataclass(frozen=True)
class Lifetime:
    """How long an entry is fresh, and how long past that it may still be served."""

    ttl: float
    swr: float = 0.0
    sie: float = 0.0

    @property
    def keep(self) -> float:
        """How long Redis must keep the entry."""
        return self.ttl + max(self.swr, self.sie)


def lifetime(status: int, headers: dict[str, str], not_found_ttl: float) -> Lifetime | None:
    """The Lifetime of a response, or None when a shared cache must not store it."""
    if status not in _CACHEABLE or "Set-Cookie" in headers:
        return None
    if headers.get("Vary", "").strip() not in ("", "Accept-Encoding"):
        # One entry per key: responses that differ by request header cannot share it.
        return None
    cc = parse_cache_control(headers.get("Cache-Control"))
    if {"no-store", "private", "no-cache"} & cc.keys():
        return None
    ttl = _seconds(cc.get("s-maxage"))
    if ttl is None:
        ttl = _seconds(cc.get("max-age"))
    if status in _NEGATIVE:
        ttl = not_found_ttl if ttl is None else min(ttl, not_found_ttl)
    if not ttl:
        return None
    if {"must-revalidate", "proxy-revalidate"} & cc.keys():
        return Lifetime(ttl)
    return Lifetime(
        ttl,
        swr=_seconds(cc.get("stale-while-revalidate")) or 0.0,
        sie=_seconds(cc.get("stale-if-error")) or 0.0,
    )
