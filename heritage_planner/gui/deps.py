"""Check the Python packages the engine needs before anything imports them.

The plugin must load without them and tell the user exactly what is missing and how to
install it, so nothing here imports the engine.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from .i18n import tr

ImportFunc = Callable[[str], ModuleType]


@dataclass(frozen=True)
class Requirement:
    module: str
    pip: str  # what to pip install
    min_version: tuple[int, ...] = ()
    debian: str = ""  # Debian/Ubuntu package that satisfies it, if any


#: What the engine imports; pins match .ci/requirements.txt.
REQUIREMENTS = (
    Requirement("numpy", "numpy", (1, 20), "python3-numpy"),
    Requirement("shapely", "shapely==2.0.7", (2, 0)),
    Requirement("rasterio", "rasterio==1.3.5", (1, 3), "python3-rasterio"),
    Requirement("pyproj", "pyproj", (3, 0), "python3-pyproj"),
    Requirement("exactextract", "exactextract==0.3.0", (0, 2)),
)


@dataclass(frozen=True)
class Missing:
    requirement: Requirement
    found: str | None  # installed version when too old, None when not importable
    error: str = ""

    def describe(self) -> str:
        req = self.requirement
        need = req.module
        if req.min_version:
            need += " ≥ " + ".".join(map(str, req.min_version))
        if self.found is None:
            return tr("{need}: not installed").format(need=need)
        return tr("{need}: version {found} is too old").format(need=need, found=self.found)


def _version_tuple(text: str) -> tuple[int, ...]:
    out: list[int] = []
    for part in text.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        out.append(int(digits))
        if not part.isdigit():
            break
    return tuple(out)


def check_dependencies(import_module: ImportFunc | None = None) -> list[Missing]:
    """What is missing or too old; empty when the engine can run."""
    imp = import_module or importlib.import_module
    missing: list[Missing] = []
    for req in REQUIREMENTS:
        try:
            mod = imp(req.module)
        except Exception as exc:  # ImportError, or a broken binary wheel (OSError...)
            missing.append(Missing(req, None, f"{type(exc).__name__}: {exc}"))
            continue
        version = str(getattr(mod, "__version__", "") or "")
        if req.min_version and version and _version_tuple(version) < req.min_version:
            missing.append(Missing(req, version))
    return missing


def install_commands(missing: list[Missing]) -> list[str]:
    """Shell commands that install what is missing into the Python QGIS runs."""
    if not missing:
        return []
    pips = " ".join(f'"{m.requirement.pip}"' for m in missing)
    cmds: list[str] = []
    if sys.platform.startswith("win"):
        cmds.append(f"python -m pip install --user {pips}")  # in the OSGeo4W Shell
    else:
        debs = [m.requirement.debian for m in missing if m.requirement.debian]
        if debs:
            cmds.append("sudo apt install " + " ".join(debs))
        pip_only = [m for m in missing if not m.requirement.debian]
        if pip_only:
            specs = " ".join(f'"{m.requirement.pip}"' for m in pip_only)
            cmds.append(f"python3 -m pip install --user --no-deps {specs}")
    return cmds


def report(missing: list[Missing]) -> str:
    """Plain text: what is missing and how to install it (shown in the dock and the log)."""
    if not missing:
        return ""
    lines = [tr("Heritage Planner needs Python packages that QGIS cannot import:")]
    lines += [f"  • {m.describe()}" for m in missing]
    lines.append(tr("Install them into the Python QGIS uses, then restart QGIS:"))
    lines += [f"  {c}" for c in install_commands(missing)]
    lines.append(
        tr("From a source checkout, `make install` installs the plugin with its dependencies.")
    )
    if sys.platform.startswith("win"):
        lines.append(tr("On Windows run the command in the OSGeo4W Shell."))
    return "\n".join(lines)
