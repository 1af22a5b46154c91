"""The caching reverse proxy for `/api/*`: serve from Redis when valid, else fetch once.

Reads (GET/HEAD without Authorization) go through `Proxy.read`:

1. Redis has a fresh copy: `HIT`.
2. A copy past freshness but within stale-while-revalidate: `STALE` at once; whoever takes
   the key's lease refreshes it in the background (one refresh across every instance).
3. Otherwise the key is fetched once: one thread per process leads (coalesce.py) and the
   leaders of all processes race for the Redis lease (SET NX PX). The winner fetches and
   stores; the others poll Redis every `poll_interval` (20 ms) for its entry or outcome,
   take over if the lease lapses, and fetch for themselves after `wait_timeout`.
   A failed fetch serves a copy within stale-if-error as `STALE`, else 502/504.

Redis down or slow (or the breaker open): the request passes straight through, `BYPASS`.
Writes pass through with their body and Authorization; a 2xx invalidates the tags the write
touches (keys.write_tags), so a read after a successful PATCH never sees the old price. If
Redis cannot take the invalidation then, a background thread retries it until it can.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from flask import Blueprint, Response, current_app, g, request
from werkzeug.datastructures import Headers
from werkzeug.http import unquote_etag

from services.cache import keys
from services.cache.coalesce import Flights
from services.cache.config import Config
from services.cache.freshness import lifetime
from services.cache.metrics import Metrics
from services.cache.store import Entry, Store, StoreUnavailable
from services.cache.upstream import Reply, Upstream, UpstreamError, end_to_end
from services.common import json_error

log = logging.getLogger("vitrine.cache.proxy")

bp = Blueprint("proxy", __name__)

READS = frozenset({"GET", "HEAD"})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Headers a 304 repeats from the full response (RFC 9110 15.4.5).
_NOT_MODIFIED_KEEP = frozenset({"cache-control", "etag", "expires", "vary", "content-location"})
# Only these request headers reach the app tier on a cacheable read: the answer is shared by
# every client, so nothing client-specific may shape it.
_READ_FORWARD = ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host")


@dataclass
class Outcome:
    """How a fetch ended, as its leader tells its followers.

    kind: 'stored' (entry is in Redis and may be shared), 'fresh' (the leader's own copy,
    not shareable: a write overtook it or Redis failed), 'pass' (not cacheable: everyone
    fetches for themselves) or 'error' (upstream failed with `status`).
    """

    kind: str
    entry: Entry | None = None
    reply: Reply | None = None
    status: int = 0
    label: str = "MISS"


class Proxy:
    """The cache tier's request handling, shared by every thread of a worker."""

    def __init__(self, config: Config, store: Store, upstream: Upstream, metrics: Metrics):
        self.config = config
        self.store = store
        self.upstream = upstream
        self.metrics = metrics
        self.flights = Flights()
        self._executor: ThreadPoolExecutor | None = None
        self._executor_pid = 0
        self._lock = threading.Lock()
        # Invalidations that could not reach Redis; replayed once it answers again.
        self._pending: set[str] = set()
        self._replayer: threading.Thread | None = None

    # -- entry points ---------------------------------------------------------------------

    def handle(self) -> Response:
        """Answer the current request."""
        if any(seg in (".", "..") for seg in request.path.split("/")):
            return json_error(400, "bad_path", "Dot segments are not allowed in the path.")
        if request.method in READS and "Authorization" not in request.headers:
            return self.read()
        response = self.pass_through()
        if request.method in WRITES and 200 <= response.status_code < 300:
            self.invalidate(keys.write_tags(request.method, request.path))
        return response

    def read(self) -> Response:
        """A cacheable read (steps 1-3 of the module docstring)."""
        target = keys.upstream_target(request.path, request.args.items(multi=True))
        key = keys.redis_key(target)
        try:
            entry = self.store.get(key)
            if self._pending and self._replay_invalidations():
                entry = self.store.get(key)  # it may have been one of them
        except StoreUnavailable:
            return self.bypass(target)
        state = entry.state(time.time()) if entry else "expired"
        if state == "fresh":
            return self.respond(entry, "HIT")
        if state == "swr":
            self.refresh_behind(key, target, entry)
            return self.respond(entry, "STALE")
        return self.fetch_shared(key, target, entry)

    # -- reads ----------------------------------------------------------------------------

    def fetch_shared(self, key: str, target: str, stale: Entry | None) -> Response:
        """Fetch a missing or expired key once per process and once across processes."""
        flight, leader = self.flights.join(key)
        if leader:
            outcome = Outcome("error", status=502)
            try:
                outcome = self.fetch_cluster(key, target, stale, self._headers_for_read())
            finally:
                self.flights.land(key, flight, outcome)
            if outcome.kind == "pass" and outcome.reply is None:
                # Another instance fetched, but its answer may not be shared: fetch our own.
                outcome = self.fetch_alone(target)
        else:
            self.metrics.inc("coalesced_waits")
            patience = self.config.wait_timeout + self.config.upstream_timeout + 1.0
            outcome = flight.wait(patience)
            if outcome is None or outcome.kind in ("pass", "fresh"):
                # Not shareable with us: fetch our own copy.
                outcome = self.fetch_alone(target)
        return self.answer(outcome, stale)

    def fetch_cluster(self, key: str, target: str, stale: Entry | None, headers) -> Outcome:
        """Take the key's Redis lease and fetch, or wait for whoever holds it."""
        token = uuid.uuid4().hex
        try:
            acquired, wseq, holder, entry = self.store.begin(key, token)
            if acquired and entry is not None and entry.state(time.time()) == "fresh":
                self.store.release(key, token)  # fetched meanwhile by someone else
                return Outcome("stored", entry=entry)
        except StoreUnavailable:
            return self._fetch(key, target, stale, headers, None, 0, label="BYPASS")
        if acquired:
            return self._fetch(key, target, stale, headers, token, wseq)
        self.metrics.inc("coalesced_waits")
        seen = {holder} if holder else set()
        deadline = time.monotonic() + self.config.wait_timeout
        while True:
            time.sleep(self.config.poll_interval)
            try:
                entry, holder, marker = self.store.poll(key)
                if entry is not None and entry.state(time.time()) == "fresh":
                    return Outcome("stored", entry=entry)
                if holder:
                    seen.add(holder)
                if marker:
                    by, _, result = marker.partition(" ")
                    if by in seen:
                        if result.startswith("error:"):
                            return Outcome("error", status=int(result[6:]))
                        return Outcome("pass")
                if holder is None:
                    # Released without a result we saw, or the holder crashed: take over.
                    acquired, wseq, holder, entry = self.store.begin(key, token)
                    if acquired and entry is not None and entry.state(time.time()) == "fresh":
                        self.store.release(key, token)
                        return Outcome("stored", entry=entry)
                    if acquired:
                        return self._fetch(key, target, stale, headers, token, wseq)
                    if holder:
                        seen.add(holder)
            except StoreUnavailable:
                return self._fetch(key, target, stale, headers, None, 0, label="BYPASS")
            if time.monotonic() > deadline:
                return self._fetch(key, target, stale, headers, None, 0)

    def fetch_alone(self, target: str) -> Outcome:
        """Fetch without storing or coordinating (a follower that may not share the leader's)."""
        try:
            reply = self.upstream.request("GET", target, self._headers_for_read())
        except UpstreamError as exc:
            self.metrics.inc("upstream_errors")
            return Outcome("error", status=exc.status)
        return Outcome("pass", reply=reply)

    def _fetch(
        self,
        key: str,
        target: str,
        stale: Entry | None,
        headers: dict[str, str],
        token: str | None,
        wseq: int,
        label: str = "MISS",
    ) -> Outcome:
        """Fetch from the app tier; with a lease token, store the result or leave an outcome."""
        headers = dict(headers)
        etag = stale.header("ETag") if stale else None
        if etag:
            headers["If-None-Match"] = etag  # revalidate: a 304 saves the body
        try:
            reply = self.upstream.request("GET", target, headers)
        except UpstreamError as exc:
            self.metrics.inc("upstream_errors")
            self._finish(key, token, wseq, outcome=f"error:{exc.status}")
            return Outcome("error", status=exc.status, label=label)
        if reply.status >= 500:
            self.metrics.inc("upstream_errors")
            self._finish(key, token, wseq, outcome=f"error:{reply.status}")
            return Outcome("error", reply=reply, status=reply.status, label=label)
        if reply.status == 304 and stale is not None:
            merged = Headers(stale.headers)
            for name in _NOT_MODIFIED_KEEP | {"last-modified"}:
                if name in reply.headers:
                    merged[name] = reply.headers[name]
            reply = Reply(stale.status, merged, stale.body)
        life = lifetime(reply.status, reply.headers, self.config.not_found_ttl)
        if life is not None and life.ttl > self.config.max_ttl:
            life = replace(life, ttl=self.config.max_ttl)
        age0 = _int(reply.headers.get("Age"))
        if life is None or reply.rest is not None or age0 >= life.ttl:
            self._finish(key, token, wseq, outcome="pass")
            return Outcome("pass", reply=reply, label=label)
        entry = Entry(
            status=reply.status,
            headers=[(k, v) for k, v in reply.headers.items() if k.lower() != "age"],
            body=reply.body,
            stored_at=time.time(),
            age0=age0,
            ttl=life.ttl,
            swr=life.swr,
            sie=life.sie,
        )
        path = target.partition("?")[0]
        tags = keys.entry_tags(
            path, reply.headers, reply.body, reply.headers.get("Content-Type", "")
        )
        keep = life.keep + (self.config.revalidate_grace if entry.header("ETag") else 0.0)
        stored = self._finish(key, token, wseq, entry=entry, tags=tags, keep=keep)
        return Outcome("stored" if stored else "fresh", entry=entry, label=label)

    def _finish(self, key, token, wseq, entry=None, tags=(), keep=0.0, outcome="pass") -> bool:
        """Store and release the lease; False when not stored (no lease, raced, Redis down)."""
        if token is None:
            return False
        try:
            return self.store.finish(key, token, wseq, entry, tags, keep, outcome)
        except StoreUnavailable:
            return False

    def refresh_behind(self, key: str, target: str, stale: Entry) -> None:
        """Start the one background refresh of a stale key, unless someone else holds it."""
        token = uuid.uuid4().hex
        try:
            acquired, wseq, _, current = self.store.begin(key, token)
            if acquired and current is not None and current.state(time.time()) == "fresh":
                self.store.release(key, token)  # refreshed meanwhile by someone else
                return
        except StoreUnavailable:
            return
        if not acquired:
            return
        self.metrics.inc("background_refreshes")
        headers = self._headers_for_read()  # read the request now: the refresh outlives it
        self._background().submit(self._refresh, key, target, stale, headers, token, wseq)

    def _refresh(self, key, target, stale, headers, token, wseq) -> None:
        try:
            self._fetch(key, target, stale, headers, token, wseq)
        except Exception:  # noqa: BLE001 - a background thread has nobody else to tell
            log.exception("background refresh failed", extra={"key": key})

    def _background(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None or self._executor_pid != os.getpid():
                self._executor = ThreadPoolExecutor(4, thread_name_prefix="refresh")
                self._executor_pid = os.getpid()
            return self._executor

    def bypass(self, target: str) -> Response:
        """Redis is unusable: relay the read to the app tier, conditional headers included."""
        self.metrics.inc("bypass")
        headers = self._headers_for_read()
        if "If-None-Match" in request.headers:
            headers["If-None-Match"] = request.headers["If-None-Match"]
        try:
            reply = self.upstream.request("GET", target, headers)
        except UpstreamError as exc:
            self.metrics.inc("upstream_errors")
            return self._error(exc.status, "BYPASS")
        if reply.status >= 500:
            self.metrics.inc("upstream_errors")
        return self.relay(reply, "BYPASS")

    def answer(self, outcome: Outcome, stale: Entry | None) -> Response:
        """Turn a fetch outcome into the client's response."""
        if outcome.kind == "error":
            if stale is not None and stale.state(time.time()) in ("swr", "sie"):
                return self.respond(stale, "STALE")  # counted there
            self.metrics.inc("bypass" if outcome.label == "BYPASS" else "miss")
            if outcome.reply is not None:
                return self.relay(outcome.reply, outcome.label)
            return self._error(outcome.status, outcome.label)
        self.metrics.inc("bypass" if outcome.label == "BYPASS" else "miss")
        if outcome.entry is not None:
            return self.respond(outcome.entry, outcome.label, count=False)
        return self.relay(outcome.reply, outcome.label)

    # -- responses ------------------------------------------------------------------------

    def respond(self, entry: Entry, label: str, count: bool = True) -> Response:
        """Answer from an entry: Age and X-Cache set, If-None-Match honoured with a 304."""
        if count:
            self.metrics.inc(label.lower())
        headers = Headers(entry.headers)
        headers["Age"] = str(int(entry.age(time.time())))
        headers["X-Cache"] = label
        etag = entry.header("ETag")
        if etag and entry.status == 200 and request.if_none_match:
            if request.if_none_match.contains_weak(unquote_etag(etag)[0]):
                kept = [(k, v) for k, v in headers.items() if k.lower() in _NOT_MODIFIED_KEEP]
                return Response(
                    status=304, headers=kept + [("Age", headers["Age"]), ("X-Cache", label)]
                )
        return Response(entry.body, status=entry.status, headers=headers)

    def relay(self, reply: Reply, label: str) -> Response:
        """Answer with an upstream reply as it came (streaming an oversize body)."""
        headers = Headers(reply.headers)
        headers["X-Cache"] = label
        body = reply.chunks() if reply.rest is not None else reply.body
        response = Response(body, status=reply.status, headers=headers)
        if "Content-Length" in reply.headers:  # only kept for HEAD (upstream.py)
            response.headers["Content-Length"] = reply.headers["Content-Length"]
        return response

    def _error(self, status: int, label: str) -> Response:
        if status == 504:
            response = json_error(504, "upstream_timeout", "The app tier did not answer in time.")
        else:
            response = json_error(status, "upstream_unavailable", "The app tier is unavailable.")
        response.headers["X-Cache"] = label
        response.headers["Cache-Control"] = "no-store"
        return response

    # -- writes and other pass-through ----------------------------------------------------

    def pass_through(self) -> Response:
        """Relay any request as is (body, Authorization) and answer with the app tier's reply."""
        self.metrics.inc("bypass")
        headers = dict(end_to_end(request.headers.items()))
        headers.update(self._headers_for_read())
        body = request.get_data(cache=False) if request.method not in READS else None
        target = keys.upstream_target(request.path, request.args.items(multi=True), False)
        try:
            reply = self.upstream.request(request.method, target, headers, body)
        except UpstreamError as exc:
            self.metrics.inc("upstream_errors")
            return self._error(exc.status, "BYPASS")
        return self.relay(reply, "BYPASS")

    def invalidate(self, tags: set[str]) -> None:
        """Clear the tags after a write; remember them if Redis cannot be told now."""
        try:
            self.store.invalidate(tags)
            self.metrics.inc("invalidations")
        except StoreUnavailable:
            with self._lock:
                self._pending |= tags
                start = self._replayer is None
                if start:
                    self._replayer = threading.Thread(
                        target=self._replay_until_sent, name="invalidation-replay", daemon=True
                    )
            if start:
                self._replayer.start()
            log.error("invalidation deferred: redis unavailable", extra={"tags": sorted(tags)})

    def _replay_until_sent(self) -> None:
        """Retry the deferred invalidations every breaker cooldown until Redis takes them,
        so other workers and instances stop serving what the write changed even if this
        worker serves no read meanwhile."""
        while True:
            time.sleep(self.config.breaker_cooldown)
            with self._lock:
                tags, self._pending = self._pending, set()
            try:
                if tags:
                    self.store.invalidate(tags)
                    self.metrics.inc("invalidations")
            except StoreUnavailable:
                with self._lock:
                    self._pending |= tags
            except Exception:  # noqa: BLE001 - a background thread has nobody else to tell
                log.exception("invalidation replay failed")
                with self._lock:
                    self._pending |= tags
            with self._lock:
                if not self._pending:
                    self._replayer = None
                    return

    def _replay_invalidations(self) -> bool:
        """Send the deferred invalidations now that Redis answers; True if any were sent."""
        with self._lock:
            tags, self._pending = self._pending, set()
        if tags:
            self.invalidate(tags)
        return bool(tags)

    def _headers_for_read(self) -> dict[str, str]:
        headers = {"Accept-Encoding": "identity", "X-Request-Id": g.get("request_id", "")}
        for name in _READ_FORWARD:
            if name in request.headers:
                headers[name] = request.headers[name]
        return headers


def _int(value: str | None) -> int:
    try:
        return max(int(value), 0) if value else 0
    except ValueError:
        return 0


@bp.route("/api/<path:rest>", methods=["GET", "HEAD", "OPTIONS", *sorted(WRITES)])
def proxy(rest: str) -> Response:
    """Every /api/* request except /api/healthz."""
    return current_app.extensions["vitrine.cache"].handle()
