#!/usr/bin/env python3
"""Install the plugin zip into a QGIS profile, with its Python dependencies.

    python .ci/install_plugin.py build/heritage_planner.zip [--no-python-deps]

Profile: ``$QGIS_PROFILE_DIR`` or ``~/.local/share/QGIS/QGIS3/profiles/default``. The
plugin goes to ``<profile>/python/plugins/heritage_planner`` (replacing an older copy in
one rename); shapely and exactextract (pinned in .ci/requirements.txt) are pip-installed
with ``--target <profile>/python``, a folder QGIS puts on ``sys.path`` at start-up, built
for QGIS's Python and never touching its numpy (``--no-deps``). rasterio and pyproj come
from the system (they link the GDAL/PROJ QGIS uses); the script says how to get them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOP = "heritage_planner"
PIP_PACKAGES = ("shapely", "exactextract")
SYSTEM_PACKAGES = {
    "rasterio": "python3-rasterio",
    "pyproj": "python3-pyproj",
    "numpy": "python3-numpy",
}


def say(msg: str) -> None:
    print(f"install: {msg}", flush=True)


def fail(msg: str) -> None:
    print(f"install: error: {msg}", file=sys.stderr)
    sys.exit(2)


def profile_dir() -> Path:
    env = os.environ.get("QGIS_PROFILE_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA", Path.home())) / "QGIS" / "QGIS3"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support" / "QGIS" / "QGIS3"
    else:
        base = (
            Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
            / "QGIS"
            / "QGIS3"
        )
    return base / "profiles" / "default"


def pins() -> dict[str, str]:
    out = {}
    for line in (REPO / ".ci" / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            out[name.strip().lower()] = version.strip()
    return out


def install_plugin(zip_path: Path, plugins: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        tops = {n.split("/", 1)[0] for n in names}
        if tops != {TOP}:
            fail(f"{zip_path}: expected one top folder {TOP}/, found {sorted(tops)}")
        for n in names:
            if n.startswith("/") or ".." in Path(n).parts:
                fail(f"{zip_path}: unsafe path {n!r} in the archive")
        plugins.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".heritage_planner.", dir=plugins))
        try:
            zf.extractall(staging)  # names checked above  # noqa: S202
            dest = plugins / TOP
            old = plugins / f".{TOP}.old"
            shutil.rmtree(old, ignore_errors=True)
            if dest.exists():
                dest.rename(old)
            (staging / TOP).rename(dest)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return plugins / TOP


def qgis_python() -> str:
    """The interpreter QGIS embeds (the system python3 on Debian; QGIS_PYTHON overrides)."""
    env = os.environ.get("QGIS_PYTHON")
    if env:
        return env
    if sys.platform.startswith("linux") and Path("/usr/bin/python3").exists():
        return "/usr/bin/python3"
    return sys.executable


def probe(python: str, code: str, extra_path: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    return subprocess.run([python, "-c", code], capture_output=True, text=True, env=env)


def install_deps(target: Path) -> None:
    py = qgis_python()
    ver = probe(py, "import sys, numpy; print('%d.%d' % sys.version_info[:2], numpy.__version__)")
    if ver.returncode != 0:
        fail(f"{py} cannot import numpy (QGIS needs it): {ver.stderr.strip().splitlines()[-1:]}")
    py_version, numpy_version = ver.stdout.split()
    say(f"QGIS's Python: {py} ({py_version}, numpy {numpy_version})")
    mine = f"{sys.version_info[0]}.{sys.version_info[1]}"
    runner = [py, "-m", "pip"]
    if probe(py, "import pip").returncode != 0:
        if mine != py_version:
            fail(f"no pip for {py}; install python3-pip")
        runner = [sys.executable, "-m", "pip"]
    p = pins()
    specs = [f"{name}=={p[name]}" if name in p else name for name in PIP_PACKAGES]
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write(f"numpy=={numpy_version}\n")
        constraints = fh.name
    try:
        cmd = [
            *runner,
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "--upgrade",
            "--no-deps",
            # built against the system GEOS, the one QGIS links (see .ci/requirements.txt)
            "--no-binary=shapely,exactextract",
            "--target",
            str(target),
            "-c",
            constraints,
            *specs,
        ]
        say("pip install --target " + str(target) + " " + " ".join(specs))
        env = dict(os.environ)
        env.setdefault(
            "SKBUILD_CMAKE_ARGS",
            "-DBUILD_CLI=NO;-DBUILD_TEST=NO;-DBUILD_DOC=NO;-DBUILD_BENCHMARKS=NO",
        )
        res = subprocess.run(cmd, env=env)
        if res.returncode != 0:
            fail(
                "pip could not build " + " ".join(specs) + " against the system GEOS "
                "(needs: apt-get install libgeos-dev cmake g++ python3-dev; network? see above)"
            )
    finally:
        os.unlink(constraints)
    check = probe(
        py,
        "import numpy, shapely, exactextract; "
        "print(numpy.__version__, shapely.__version__, exactextract.__version__)",
        target,
    )
    if check.returncode != 0:
        fail("installed packages do not import in QGIS's Python: " + check.stderr.strip()[-400:])
    numpy_after, shapely_v, ee_v = check.stdout.split()
    if numpy_after != numpy_version:
        fail(f"numpy changed from {numpy_version} to {numpy_after}; remove numpy from {target}")
    say(f"shapely {shapely_v}, exactextract {ee_v} in {target} (numpy {numpy_after} untouched)")
    for mod, deb in SYSTEM_PACKAGES.items():
        if probe(py, f"import {mod}").returncode != 0:
            say(f"warning: {mod} is missing for QGIS's Python; install it: sudo apt install {deb}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("zip", type=Path)
    ap.add_argument("--no-python-deps", action="store_true", help="only unzip the plugin")
    args = ap.parse_args(argv)
    if not args.zip.is_file():
        fail(f"{args.zip}: not found; run `make package` first")
    profile = profile_dir()
    dest = install_plugin(args.zip, profile / "python" / "plugins")
    say(f"plugin installed in {dest}")
    if not args.no_python_deps:
        install_deps(profile / "python")
    say("start QGIS and enable Heritage Planner in Plugins > Manage and Install Plugins")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
