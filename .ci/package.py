#!/usr/bin/env python3
"""Build the plugin zip that plugins.qgis.org accepts.

    python .ci/package.py build/heritage_planner.zip

One top folder ``heritage_planner/`` holding the Python package, ``metadata.txt``,
``LICENSE`` and ``resources/`` (with the compiled ``.qm`` translations, run ``make
translations`` first); no ``__pycache__``/``.pyc``; under 25 MB. Written atomically.
"""

from __future__ import annotations

import configparser
import os
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOP = "heritage_planner"
MAX_BYTES = 25 * 1024 * 1024
REQUIRED_METADATA = (
    "name",
    "qgisMinimumVersion",
    "description",
    "about",
    "version",
    "author",
    "email",
    "repository",
)
SKIP_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
SKIP_SUFFIXES = {".pyc", ".pyo", ".ts", ".aux.xml", ".orig", ".rej", ".swp"}
SKIP_NAMES = {".DS_Store", "Thumbs.db", ".gitignore"}


def fail(message: str) -> None:
    print(f"package: error: {message}", file=sys.stderr)
    sys.exit(2)


def wanted(path: Path) -> bool:
    if any(part in SKIP_DIRS or part.startswith(".") for part in path.parts):
        return False
    if path.name in SKIP_NAMES:
        return False
    name = path.name.lower()
    return not any(name.endswith(sfx) for sfx in SKIP_SUFFIXES)


def files() -> list[tuple[Path, str]]:
    """(file on disk, name in the zip) pairs, sorted for a reproducible archive."""
    out: list[tuple[Path, str]] = []
    pkg = REPO / "heritage_planner"
    for p in sorted(pkg.rglob("*")):
        rel = p.relative_to(pkg)
        if p.is_file() and wanted(rel):
            out.append((p, f"{TOP}/{rel.as_posix()}"))
    res = REPO / "resources"
    for p in sorted(res.rglob("*")):
        rel = p.relative_to(REPO)
        if p.is_file() and wanted(rel):
            out.append((p, f"{TOP}/{rel.as_posix()}"))
    out.append((REPO / "metadata.txt", f"{TOP}/metadata.txt"))
    out.append((REPO / "LICENSE", f"{TOP}/LICENSE"))
    return out


def check_sources() -> None:
    for required in ("metadata.txt", "LICENSE", "heritage_planner/__init__.py"):
        if not (REPO / required).is_file():
            fail(f"{required} is missing")
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(REPO / "metadata.txt", encoding="utf-8")
    if "general" not in meta:
        fail("metadata.txt has no [general] section")
    missing = [k for k in REQUIRED_METADATA if not meta["general"].get(k)]
    if missing:
        fail(f"metadata.txt lacks: {', '.join(missing)}")
    icon = meta["general"].get("icon", "")
    if icon and not (REPO / icon).is_file():
        fail(f"metadata.txt icon {icon} not found")
    for ts in sorted((REPO / "resources" / "i18n").glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not qm.is_file() or qm.stat().st_mtime < ts.stat().st_mtime:
            fail(
                f"{qm.relative_to(REPO)} is missing or older than its .ts; run `make translations`"
            )


def build(out: Path) -> Path:
    check_sources()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".part", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for src, arc in files():
                info = zipfile.ZipInfo(arc, date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, src.read_bytes())
        size = tmp.stat().st_size
        if size >= MAX_BYTES:
            fail(f"{out}: {size / 1e6:.1f} MB, over the 25 MB plugins.qgis.org limit")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a package is for sharing
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: package.py OUT.zip", file=sys.stderr)
        return 2
    out = build(Path(argv[0]))
    with zipfile.ZipFile(out) as zf:
        n = len(zf.namelist())
    print(f"package: wrote {out} ({n} files, {out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
