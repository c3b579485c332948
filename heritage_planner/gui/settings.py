"""Settings: per project (``QgsProject`` entries) and per user (``QgsSettings``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from qgis.core import QgsProject, QgsSettings

SCOPE = "HeritagePlanner"
USER_PREFIX = "heritage_planner/"


@dataclass
class HazardChoice:
    layer_id: str
    hazard: str
    scenario: str = ""
    checked: bool = True


@dataclass
class ProjectSettings:
    """What the dock restores when a project opens."""

    heritage_layer: str = ""
    site_layers: list[str] = field(default_factory=list)
    hazards: list[HazardChoice] = field(default_factory=list)
    rules_file: str = ""  # empty: built-in default
    output_folder: str = ""
    run_name: str = "heritage_check"
    last_results: str = ""
    site_layer_ids: dict[str, str] = field(default_factory=dict)  # engine name -> layer id

    def save(self, project: QgsProject | None = None) -> None:
        prj = project or QgsProject.instance()
        data = asdict(self)
        for key, value in data.items():
            prj.writeEntry(SCOPE, key, json.dumps(value))

    @classmethod
    def load(cls, project: QgsProject | None = None) -> ProjectSettings:
        prj = project or QgsProject.instance()
        out = cls()
        for key in asdict(out):
            text, ok = prj.readEntry(SCOPE, key, "")
            if not ok or not text:
                continue
            try:
                value = json.loads(text)
            except ValueError:
                continue
            if key == "hazards":
                value = [HazardChoice(**h) for h in value if isinstance(h, dict)]
            setattr(out, key, value)
        return out


def user_value(key: str, default: Any = "") -> Any:
    return QgsSettings().value(USER_PREFIX + key, default)


def set_user_value(key: str, value: Any) -> None:
    QgsSettings().setValue(USER_PREFIX + key, value)


def default_reviewer() -> str:
    import getpass

    name = str(user_value("reviewer", "") or "")
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return ""
