"""Counters at /metrics (summed over processes) and as CloudWatch EMF log lines."""

from __future__ import annotations

import json
import multiprocessing
import time

from services.cache.metrics import Metrics


def _count_hits(directory: str, n: int) -> None:
    metrics = Metrics(directory)
    for _ in range(n):
        metrics.inc("hit")


def test_metrics_page_counts_what_the_client_saw(client, upstream):
    upstream.route("/api/products/1")
    for _ in range(3):
        client.get("/api/products/1")
    text = client.get("/metrics").get_data(as_text=True)
    assert "vitrine_cache_miss_total 1\n" in text
    assert "vitrine_cache_hit_total 2\n" in text
    assert "# TYPE vitrine_cache_coalesced_waits_total counter" in text


def test_a_stale_answer_on_upstream_error_is_counted_once(client, upstream):
    upstream.route("/api/products/1", headers={"Cache-Control": "max-age=1, stale-if-error=60"})
    client.get("/api/products/1")
    time.sleep(1.1)
    upstream.stop()
    assert client.get("/api/products/1").headers["X-Cache"] == "STALE"
    text = client.get("/metrics").get_data(as_text=True)
    assert "vitrine_cache_stale_total 1\n" in text
    assert "vitrine_cache_upstream_errors_total 1\n" in text


def test_counters_of_every_worker_process_are_summed(tmp_path):
    # Worker processes write their own files; the page sums them, even after they exit.
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_count_hits, args=(str(tmp_path), n)) for n in (3, 4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    here = Metrics(str(tmp_path))
    here.inc("hit")
    assert here.totals()["hit"] == 8
    assert "vitrine_cache_hit_total 8\n" in here.prometheus()


def test_emf_lines_report_the_increase_since_the_last_line(capsys):
    metrics = Metrics(emf_interval=60)
    metrics.inc("hit", 5)
    metrics.inc("bypass")
    assert metrics.maybe_emit_emf() is False  # not due yet
    assert metrics.maybe_emit_emf(force=True) is True
    metrics.inc("hit")
    metrics.maybe_emit_emf(force=True)

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["hit"], line["bypass"]) for line in lines] == [(5, 1), (1, 0)]
    directive = lines[0]["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "vitrine"
    assert {"Name": "hit", "Unit": "Count"} in directive["Metrics"]
    assert lines[0]["Service"] == "cache"
