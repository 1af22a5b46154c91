"""Versioned SQL migrations, applied in order and recorded in `schema_migrations`.

`python -m services.app migrate` runs at every instance boot. Several instances booting at
once serialize on a MySQL named lock (GET_LOCK), and each migration is applied at most once,
so running it again is a no-op. Files are `migrations/NNNN_name.sql`; never edit one that
has shipped (its checksum is recorded and checked), add a new file instead.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pymysql

log = logging.getLogger("vitrine.migrate")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
LOCK_TIMEOUT_SECONDS = 120
_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# The lock is per database, so test databases on one server do not wait for each other.
_LOCK_NAME = "LEFT(CONCAT('vitrine.migrate:', DATABASE()), 64)"

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
  version CHAR(4) NOT NULL,
  name VARCHAR(128) NOT NULL,
  checksum CHAR(64) NOT NULL,
  applied_at DATETIME(3) NOT NULL,
  PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
"""


class MigrationError(RuntimeError):
    """Migrations cannot be applied safely (lock timeout, an edited migration)."""


@dataclass(frozen=True)
class Migration:
    """One migration file."""

    version: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    def statements(self) -> list[str]:
        """The file's statements: `--` comment lines dropped, split at `;` ending a line."""
        body = "\n".join(
            line for line in self.sql.splitlines() if not line.lstrip().startswith("--")
        )
        return [s.strip() for s in re.split(r";\s*$", body, flags=re.M) if s.strip()]


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every migration file in version order."""
    found = []
    for path in sorted(directory.iterdir()):
        match = _FILE.match(path.name)
        if match:
            found.append(Migration(match[1], match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migrations share a version in {directory}")
    return found


def migrate(conn: pymysql.connections.Connection, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations under the named lock; return the versions applied."""
    migrations = load_migrations(directory)
    with conn.cursor() as cur:
        cur.execute(f"SELECT GET_LOCK({_LOCK_NAME}, %s) AS got", (LOCK_TIMEOUT_SECONDS,))
        if (cur.fetchone() or {}).get("got") != 1:
            raise MigrationError("another instance holds the migration lock; gave up waiting")
        try:
            return _apply_pending(cur, migrations)
        finally:
            cur.execute(f"SELECT RELEASE_LOCK({_LOCK_NAME})")


def _apply_pending(cur, migrations: list[Migration]) -> list[str]:
    cur.execute(_BOOKKEEPING)
    cur.execute("SELECT version, checksum FROM schema_migrations")
    applied = {row["version"]: row["checksum"] for row in cur.fetchall()}
    done = []
    for migration in migrations:
        if migration.version in applied:
            if applied[migration.version] != migration.checksum:
                raise MigrationError(
                    f"migration {migration.version}_{migration.name} changed after it was "
                    "applied; add a new migration instead of editing a shipped one"
                )
            continue
        # MySQL commits DDL implicitly, so a migration is not atomic: its statements are
        # written to be re-runnable (IF NOT EXISTS) and it is recorded only once all succeed.
        for statement in migration.statements():
            cur.execute(statement)
        cur.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
            " VALUES (%s, %s, %s, UTC_TIMESTAMP(3))",
            (migration.version, migration.name, migration.checksum),
        )
        cur.connection.commit()
        log.info("applied migration", extra={"version": migration.version})
        done.append(migration.version)
    return done
