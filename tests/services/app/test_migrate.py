"""Migrations: applied once, in order, safely when several instances boot together."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from services.app.migrate import MIGRATIONS_DIR, MigrationError, load_migrations, migrate
from tests.services.app.conftest import connect, fresh_database


def _tables(conn) -> set[str]:
    with conn.cursor() as cur:
        cur.execute("SHOW TABLES")
        return {next(iter(row.values())) for row in cur.fetchall()}


def test_migrate_creates_the_schema_once_and_then_does_nothing(mariadb):
    conn = connect(fresh_database(mariadb, "migrate_once", products=None))
    try:
        with conn.cursor() as cur:
            cur.execute("DROP TABLE products, categories, schema_migrations")
        versions = [m.version for m in load_migrations()]
        assert migrate(conn) == versions
        assert {"categories", "products", "schema_migrations"} <= _tables(conn)
        assert migrate(conn) == []
        with conn.cursor() as cur:
            cur.execute("SELECT version FROM schema_migrations ORDER BY version")
            assert [r["version"] for r in cur.fetchall()] == versions
    finally:
        conn.close()


def test_instances_booting_together_apply_each_migration_exactly_once(mariadb):
    url = mariadb.create_database("migrate_race")
    results, errors = [], []
    barrier = threading.Barrier(6)

    def boot() -> None:
        conn = connect(url)
        try:
            barrier.wait()
            results.append(migrate(conn))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=boot) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    applied = [v for r in results for v in r]
    assert sorted(applied) == [m.version for m in load_migrations()]


def test_migrate_waits_for_the_named_lock(mariadb):
    url = mariadb.create_database("migrate_lock")
    holder, runner = connect(url), connect(url)
    try:
        with holder.cursor() as cur:
            cur.execute("SELECT GET_LOCK(CONCAT('vitrine.migrate:', DATABASE()), 1)")
        done = threading.Event()
        threading.Thread(target=lambda: (migrate(runner), done.set()), daemon=True).start()
        time.sleep(0.5)
        assert not done.is_set(), "migrate ran although another instance held the lock"
        assert "products" not in _tables(holder)
        with holder.cursor() as cur:
            cur.execute("SELECT RELEASE_LOCK(CONCAT('vitrine.migrate:', DATABASE()))")
        assert done.wait(10)
        assert "products" in _tables(holder)
    finally:
        holder.close()
        runner.close()


def test_an_edited_shipped_migration_is_refused(mariadb, tmp_path):
    conn = connect(fresh_database(mariadb, "migrate_edit", products=None))
    try:
        edited = tmp_path / "migrations"
        shutil.copytree(MIGRATIONS_DIR, edited)
        first = sorted(edited.glob("0001_*.sql"))[0]
        first.write_text(first.read_text() + "\n-- an innocent edit\n")
        with pytest.raises(MigrationError, match="changed after it was applied"):
            migrate(conn, edited)
    finally:
        conn.close()


def test_statements_split_at_line_ending_semicolons():
    (first,) = [m for m in load_migrations() if m.version == "0001"]
    statements = first.statements()
    assert len(statements) == 2
    assert all(s.startswith("CREATE TABLE") for s in statements)
