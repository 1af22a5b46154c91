"""Which responses are stored, and for how long."""

from __future__ import annotations

import pytest

from services.cache.freshness import Lifetime, lifetime, parse_cache_control


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (200, {"Cache-Control": "public, max-age=60"}, Lifetime(60)),
        (200, {"Cache-Control": "max-age=60, s-maxage=5"}, Lifetime(5)),
        (
            200,
            {"Cache-Control": "max-age=60, stale-while-revalidate=30, stale-if-error=600"},
            Lifetime(60, 30, 600),
        ),
        (200, {"Cache-Control": "max-age=60, must-revalidate, stale-if-error=9"}, Lifetime(60)),
        (200, {"Cache-Control": "no-store, max-age=60"}, None),
        (200, {"Cache-Control": "private, max-age=60"}, None),
        (200, {"Cache-Control": "no-cache"}, None),
        (200, {"Cache-Control": "max-age=60", "Set-Cookie": "a=b"}, None),
        (200, {"Cache-Control": "max-age=60", "Vary": "Cookie"}, None),
        (200, {"Cache-Control": "max-age=0"}, None),
        (200, {"Cache-Control": "max-age=oops"}, None),
        (200, {}, None),
        (404, {}, Lifetime(5)),
        (404, {"Cache-Control": "max-age=600"}, Lifetime(5)),
        (404, {"Cache-Control": "max-age=2"}, Lifetime(2)),
        (404, {"Cache-Control": "no-store"}, None),
        (500, {"Cache-Control": "max-age=60"}, None),
        (400, {"Cache-Control": "max-age=60"}, None),
    ],
)
def test_lifetime(status, headers, expected):
    assert lifetime(status, headers, not_found_ttl=5) == expected


def test_cache_control_parsing_tolerates_case_spaces_and_quotes():
    assert parse_cache_control(' Public , MAX-AGE="30",, no-transform') == {
        "public": None,
        "max-age": "30",
        "no-transform": None,
    }
