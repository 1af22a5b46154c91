"""App-tier command line: `python -m services.app migrate | seed --products N [--if-empty]`.

Both commands read the same VITRINE_* settings as the service, so on EC2 they run with the
instance's /etc/vitrine/app.env before gunicorn starts.
"""

from __future__ import annotations

import argparse
import logging
import sys

from services.app.config import Config, ConfigError
from services.app.db import Database, DatabaseUnavailable
from services.app.migrate import MigrationError, migrate
from services.app.seed import DEFAULT_PRODUCTS, seed
from services.common.logs import configure_logging

log = logging.getLogger("vitrine.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply pending SQL migrations (idempotent)")
    seeding = commands.add_parser("seed", help="write the deterministic demo catalog")
    seeding.add_argument("--products", type=int, default=DEFAULT_PRODUCTS, metavar="N")
    seeding.add_argument(
        "--if-empty", action="store_true", help="do nothing when products already exist"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit status."""
    args = _parser().parse_args(argv)
    try:
        config = Config.from_env().validate()
        configure_logging("app", config.log_level)
        conn = Database(config).connect()
    except (ConfigError, DatabaseUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "migrate":
            applied = migrate(conn)
            log.info("migrations done", extra={"applied": applied})
        else:
            if args.products < 1:
                print("error: --products must be at least 1", file=sys.stderr)
                return 2
            seed(conn, args.products, if_empty=args.if_empty)
    except MigrationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
