"""Put each stylesheet's and script's content hash in its file name, and keep references right.

Files under assets/static/ are named `{stem}.{hash}.{ext}`, where hash is the first 8 hex digits
of the SHA-256 of the file's final content. They are served `immutable` for a year (docs/
contracts.md), so a changed file must get a new name. After editing `static/app.<old>.js`,
run `python -m tools.fingerprint`: it renames every file whose content changed and rewrites
the references in the HTML pages and in the modules that import it (a dependant's own hash
changes with them, so it is renamed too).
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "assets"
STATIC = "static"
HASH_LEN = 8

# `site.3f2a1c9e.css` -> stem "site", ext "css"; a file without a hash yet is `site.css`.
_NAME = re.compile(
    rf"^(?P<stem>[A-Za-z0-9_-]+)(?:\.(?P<hash>[0-9a-f]{{{HASH_LEN}}}))?\.(?P<ext>css|js)$"
)


def content_hash(data: bytes) -> str:
    """The hash that belongs in the file name of a static file with this content."""
    return hashlib.sha256(data).hexdigest()[:HASH_LEN]


def logical_name(filename: str) -> str | None:
    """`site.3f2a1c9e.css` -> `site.css`; None for names that are not fingerprintable."""
    m = _NAME.match(filename)
    return f"{m['stem']}.{m['ext']}" if m else None


def _ref_pattern(logical: str) -> re.Pattern[str]:
    stem, ext = logical.rsplit(".", 1)
    # Matches the file inside a URL or import path: "/static/site.abcd1234.css", "./site.css".
    return re.compile(
        rf"(?<=[/\"'])({re.escape(stem)})(?:\.[0-9a-f]{{{HASH_LEN}}})?\.{ext}(?=[\"'?#])"
    )


def _rewrite(text: str, names: dict[str, str]) -> str:
    for logical, current in names.items():
        text = _ref_pattern(logical).sub(current, text)
    return text


def fingerprint(assets: Path = ASSETS) -> dict[str, str]:
    """Rename static files to their content hash and rewrite references; return logical->name."""
    static = assets / STATIC
    files = {logical_name(p.name): p for p in sorted(static.iterdir()) if logical_name(p.name)}
    final: dict[str, str] = {}

    def settle(logical: str, trail: tuple[str, ...] = ()) -> str:
        # Depth-first: a file's own name depends on the final names of the files it references.
        if logical in final:
            return final[logical]
        if logical in trail:
            raise ValueError(f"import cycle among static files: {' -> '.join((*trail, logical))}")
        path = files[logical]
        text = path.read_text()
        deps = {
            other: None for other in files if other != logical and _ref_pattern(other).search(text)
        }
        for dep in deps:
            deps[dep] = settle(dep, (*trail, logical))
        text = _rewrite(text, deps)
        data = text.encode()
        stem, ext = logical.rsplit(".", 1)
        name = f"{stem}.{content_hash(data)}.{ext}"
        target = static / name
        if path != target:
            path.unlink()
        target.write_bytes(data)
        files[logical] = target
        final[logical] = name
        return name

    for logical in list(files):
        settle(logical)
    for page in sorted(assets.glob("*.html")):
        text = page.read_text()
        new = _rewrite(text, final)
        if new != text:
            page.write_text(new)
    return final


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=Path, default=ASSETS)
    args = parser.parse_args(argv)
    for logical, name in sorted(fingerprint(args.assets).items()):
        print(f"{logical:<14} -> static/{name}")


if __name__ == "__main__":
    main()
