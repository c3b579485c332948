"""Processing algorithm ``heritage_planner:conflictreport``: the PDF report of a results file."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

_SIZES = ("A4", "A3")
_ORIENTATIONS = ("landscape", "portrait")


def tr(text: str) -> str:
    return QCoreApplication.translate("HeritagePlanner", text)


class ConflictReportAlgorithm(QgsProcessingAlgorithm):
    """Thin adapter over :func:`heritage_planner.layouts.report.build_report`."""

    RESULTS = "RESULTS"
    HAZARD = "HAZARD"
    ZONES = "ZONES"
    TEMPLATE = "TEMPLATE"
    PER_CONFLICT = "PER_CONFLICT"
    PAGE_SIZE = "PAGE_SIZE"
    ORIENTATION = "ORIENTATION"
    ORGANISATION = "ORGANISATION"
    LOGO = "LOGO"
    PNG_DIR = "PNG_DIR"
    OUTPUT = "OUTPUT"
    PAGE_COUNT = "PAGE_COUNT"

    def name(self) -> str:
        return "conflictreport"

    def displayName(self) -> str:  # noqa: N802
        return tr("Conflict report (PDF)")

    def group(self) -> str:
        return ""

    def groupId(self) -> str:  # noqa: N802
        return ""

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "<p>Writes the PDF map report of a Heritage Planner results GeoPackage: an overview "
            "page (map, legend, conflicts by severity and rule, run record, sign-off block) and "
            "one page per heritage feature with conflicts, worst severity first.</p>"
            "<p>A layout template (.qpt, two pages: overview and feature page) replaces the "
            "built-in one. Runs on the main thread like QGIS's own layout exports.</p>"
        )

    def flags(self) -> Any:
        # layouts are not thread safe; QGIS's own layout export algorithms do the same
        return super().flags() | QgsProcessingAlgorithm.Flag.FlagNoThreading

    def createInstance(self) -> ConflictReportAlgorithm:  # noqa: N802
        return ConflictReportAlgorithm()

    def initAlgorithm(self, config: Any = None) -> None:  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(self.RESULTS, tr("Results GeoPackage"), extension="gpkg")
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(
                self.HAZARD,
                tr("Hazard raster for the maps (default: the run's first)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(self.ZONES, tr("Heritage zones"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.TEMPLATE, tr("Layout template (.qpt)"), extension="qpt", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.PER_CONFLICT, tr("One page per conflict"), defaultValue=False
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.PAGE_SIZE, tr("Page size"), options=list(_SIZES), defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.ORIENTATION, tr("Orientation"), options=list(_ORIENTATIONS), defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.ORGANISATION, tr("Organisation"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.LOGO, tr("Logo image"), optional=True, fileFilter="Images (*.png *.jpg *.svg)"
            )
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(
                self.PNG_DIR, tr("Also write PNG pages to"), optional=True, createByDefault=False
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, tr("PDF report"), fileFilter="PDF (*.pdf)"
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.PAGE_COUNT, tr("Pages")))

    def processAlgorithm(self, parameters: dict, context: Any, feedback: Any) -> dict:  # noqa: N802
        from ..core.errors import HeritagePlannerError
        from ..layouts.report import build_report

        hazard = self.parameterAsRasterLayer(parameters, self.HAZARD, context)
        zones = self.parameterAsVectorLayer(parameters, self.ZONES, context)
        png_dir = self.parameterAsString(parameters, self.PNG_DIR, context) or None
        out = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        try:
            info = build_report(
                self.parameterAsFile(parameters, self.RESULTS, context),
                out,
                hazard_raster=hazard.source() if hazard is not None else None,
                zones=zones.source() if zones is not None else None,
                template=self.parameterAsFile(parameters, self.TEMPLATE, context) or None,
                per_conflict=self.parameterAsBool(parameters, self.PER_CONFLICT, context),
                page_size=_SIZES[self.parameterAsEnum(parameters, self.PAGE_SIZE, context)],
                orientation=_ORIENTATIONS[
                    self.parameterAsEnum(parameters, self.ORIENTATION, context)
                ],
                organisation=self.parameterAsString(parameters, self.ORGANISATION, context) or None,
                logo=self.parameterAsFile(parameters, self.LOGO, context) or None,
                png_dir=png_dir,
                feedback=feedback,
            )
        except HeritagePlannerError as exc:
            raise QgsProcessingException(str(exc)) from None
        for w in info.warnings:
            feedback.pushWarning(w)
        feedback.pushInfo(tr("Wrote {path} ({n} pages)").format(path=info.pdf, n=info.page_count))
        return {self.OUTPUT: str(info.pdf), self.PAGE_COUNT: info.page_count}
