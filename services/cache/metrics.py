"""Counters of what the cache did, summed over every gunicorn worker of this instance.

Each worker process owns one small file in `metrics_dir` (gunicorn.conf.py makes a fresh
directory per master and passes it as VITRINE_METRICS_DIR), memory-mapped as an array of
64-bit counters: counting is a memory write, no Redis round trip and no syscall, and it keeps
working when Redis is down, which is exactly when the `bypass` count matters. `/metrics`
sums every file, including those of workers that have since exited, so the totals only grow,
as Prometheus counters must. Without a directory (tests, single process) the array lives in
anonymous memory.

Every `emf_interval` seconds each worker also writes the increase since its last report as
one CloudWatch embedded-metric-format line on stdout, which the CloudWatch agent turns into
metrics without an API call.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import struct
import sys
import threading
import time
from pathlib import Path

# name -> help text; the order fixes each counter's slot in the files, append only.
COUNTERS = {
    "hit": "Requests answered from a fresh cached copy.",
    "miss": "Requests answered with a response fetched from the app tier.",
    "stale": "Requests answered with a stale copy (while revalidating, or on upstream error).",
    "bypass": "Requests passed through without the cache (Redis down, writes, Authorization).",
    "coalesced_waits": "Requests that waited for another request's fetch of the same key.",
    "upstream_errors": "Upstream requests that failed, timed out or answered 5xx.",
    "redis_errors": "Redis calls that failed or timed out.",
    "background_refreshes": "Stale-while-revalidate refreshes started.",
    "invalidations": "Successful writes whose cached copies were invalidated.",
}
_SLOTS = list(COUNTERS)
_SIZE = 8 * 64  # room to append counters without changing the file format

_emf = logging.getLogger("vitrine.cache.emf")


def _emf_logger() -> logging.Logger:
    # EMF lines must be the bare JSON object (with its `_aws` key) on a line of their own,
    # so they bypass the shared JSON formatter, which wraps messages and drops `_` keys.
    if not _emf.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        _emf.addHandler(handler)
        _emf.propagate = False
        _emf.setLevel(logging.INFO)
    return _emf


class Metrics:
    """Per-process counters, aggregated across processes through one file each."""

    def __init__(
        self,
        directory: str | None = None,
        emf_interval: float = 60.0,
        namespace: str = "vitrine",
    ) -> None:
        self.directory = Path(directory) if directory else None
        self.emf_interval = emf_interval
        self.namespace = namespace
        self._lock = threading.Lock()
        self._pid = 0
        self._map: mmap.mmap | None = None
        self._reported = dict.fromkeys(COUNTERS, 0)
        self._last_emf = time.monotonic()

    def _memory(self) -> mmap.mmap:
        # Opened lazily and re-opened after fork: each worker must own its own file.
        if self._map is None or self._pid != os.getpid():
            self._pid = os.getpid()
            self._reported = dict.fromkeys(COUNTERS, 0)
            if self.directory is None:
                self._map = mmap.mmap(-1, _SIZE)
            else:
                self.directory.mkdir(parents=True, exist_ok=True)
                path = self.directory / f"cache-{self._pid}.counters"
                with open(path, "a+b") as f:
                    f.truncate(_SIZE)
                    self._map = mmap.mmap(f.fileno(), _SIZE)
        return self._map

    def inc(self, name: str, amount: int = 1) -> None:
        """Add to one of the COUNTERS."""
        offset = 8 * _SLOTS.index(name)
        with self._lock:
            memory = self._memory()
            (value,) = struct.unpack_from("<Q", memory, offset)
            struct.pack_into("<Q", memory, offset, value + amount)

    def local(self) -> dict[str, int]:
        """This process's counters."""
        with self._lock:
            return self._read(self._memory())

    def totals(self) -> dict[str, int]:
        """Counters summed over every worker of this instance (just this one without a dir)."""
        if self.directory is None:
            return self.local()
        sums = dict.fromkeys(COUNTERS, 0)
        for path in self.directory.glob("cache-*.counters"):
            for name, value in self._read(path.read_bytes()).items():
                sums[name] += value
        return sums

    @staticmethod
    def _read(buffer) -> dict[str, int]:
        data = bytes(buffer[:_SIZE]).ljust(_SIZE, b"\0")
        return {name: struct.unpack_from("<Q", data, 8 * i)[0] for i, name in enumerate(_SLOTS)}

    def prometheus(self) -> str:
        """The totals in Prometheus text exposition format 0.0.4."""
        lines = []
        for name, value in self.totals().items():
            metric = f"vitrine_cache_{name}_total"
            lines += [
                f"# HELP {metric} {COUNTERS[name]}",
                f"# TYPE {metric} counter",
                f"{metric} {value}",
            ]
        return "\n".join(lines) + "\n"

    def maybe_emit_emf(self, force: bool = False) -> bool:
        """Log this worker's increase since its last report as one EMF line, at most once
        per emf_interval; True if a line was written."""
        if not force and (
            self.emf_interval <= 0 or time.monotonic() - self._last_emf < self.emf_interval
        ):
            return False
        with self._lock:
            self._last_emf = time.monotonic()
            now = self._read(self._memory())
            delta = {name: now[name] - self._reported[name] for name in COUNTERS}
            self._reported = now
        if not any(delta.values()):
            return False
        record = {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": self.namespace,
                        "Dimensions": [["Service"]],
                        "Metrics": [{"Name": n, "Unit": "Count"} for n in COUNTERS],
                    }
                ],
            },
            "Service": "cache",
            **delta,
        }
        _emf_logger().info(json.dumps(record, separators=(",", ":")))
        return True
