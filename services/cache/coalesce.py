"""In-process single flight: one thread per worker fetches a key, the others wait for it.

This is the first of two layers of request coalescing. Within a process, followers wait on
an Event and never touch Redis; only the flight's leader takes part in the cross-process
layer (the Redis lease, see proxy.py), so 200 simultaneous misses in one worker cost one
lease attempt and one poll loop, not 200.
"""

from __future__ import annotations

import threading
from typing import Any


class Flight:
    """One fetch in progress; followers wait for its outcome."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self.outcome: Any = None

    def wait(self, timeout: float) -> Any:
        """The leader's outcome, or None if it did not land within timeout seconds."""
        return self.outcome if self._done.wait(timeout) else None


class Flights:
    """The flights in progress in this process, by cache key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[str, Flight] = {}

    def join(self, key: str) -> tuple[Flight, bool]:
        """The key's flight and whether the caller leads it (and so must land it)."""
        with self._lock:
            flight = self._flights.get(key)
            if flight is not None:
                return flight, False
            flight = self._flights[key] = Flight()
            return flight, True

    def land(self, key: str, flight: Flight, outcome: Any) -> None:
        """Publish the leader's outcome and close the flight to newcomers."""
        flight.outcome = outcome
        with self._lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
        flight._done.set()
