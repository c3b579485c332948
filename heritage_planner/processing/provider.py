"""The "Heritage Planner" Processing provider; the plugin registers it in ``initProcessing``."""

from __future__ import annotations

import importlib

from qgis.core import QgsProcessingAlgorithm, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

#: The algorithms, by module and class name.
ALGORITHMS: tuple[tuple[str, str], ...] = (
    ("algorithms", "DetectConflictsAlgorithm"),
    ("algorithms", "HazardExposureAlgorithm"),
    ("algorithms", "SiteHazardAlgorithm"),
)
#: Modules whose algorithms join when they are installed (the PDF report needs the layouts).
OPTIONAL_MODULES = ("report_algorithm",)


def algorithm_classes() -> list[type[QgsProcessingAlgorithm]]:
    classes = []
    for module, name in ALGORITHMS:
        classes.append(getattr(importlib.import_module(f"{__package__}.{module}"), name))
    for module in OPTIONAL_MODULES:
        try:
            mod = importlib.import_module(f"{__package__}.{module}")
        except ImportError as exc:
            if not (exc.name or "").endswith(f"processing.{module}"):
                raise
            continue
        classes.extend(
            obj
            for obj in vars(mod).values()
            if isinstance(obj, type)
            and issubclass(obj, QgsProcessingAlgorithm)
            and obj.__module__ == mod.__name__
            and not obj.__name__.startswith("_")
        )
    return classes


class HeritagePlannerProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "heritage_planner"

    def name(self) -> str:
        return "Heritage Planner"

    def longName(self) -> str:  # noqa: N802 - QGIS API
        from .. import __version__

        return f"Heritage Planner {__version__}"

    def icon(self) -> QIcon:
        try:
            from ..core.paths import resource_path

            path = resource_path("icons", "heritage_planner.svg")
        except FileNotFoundError:
            return QgsProcessingProvider.icon(self)
        return QIcon(str(path)) if path.is_file() else QgsProcessingProvider.icon(self)

    def loadAlgorithms(self) -> None:  # noqa: N802
        for cls in algorithm_classes():
            self.addAlgorithm(cls())
