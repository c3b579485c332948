"""The Heritage Planner algorithms: thin adapters that read parameters, call the engine and
write feature sinks. Engine modules are imported inside ``processAlgorithm`` so loading the
provider stays cheap."""

from __future__ import annotations

import re
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication

from . import sources

_SEVERITIES = ("critical", "high", "medium", "low")
_HELP_HAZARDS = (
    "<p><b>Hazard rasters</b> are tagged with a hazard id of the rules and an optional "
    "scenario: <i>Hazard ids</i> lists <code>ID[@SCENARIO]</code> for each raster in the same "
    "order, separated by commas (e.g. <code>flood@baseline, flood@2050, heat</code>). Left "
    "empty, each raster's layer name is used (a layer named <code>flood@2050</code>).</p>"
)
_HELP_RULES = (
    "<p><b>Rules</b>: a rules TOML file; empty uses the built-in George Town rule set. "
    "<b>Analysis CRS</b>: a projected CRS in metres for distances and areas; empty uses the "
    "heritage layer's CRS when projected, else its UTM zone.</p>"
)


def tr(text: str) -> str:
    return QCoreApplication.translate("HeritagePlanner", text)


class _Base(QgsProcessingAlgorithm):
    """Parameters and plumbing shared by the algorithms."""

    HERITAGE = "HERITAGE"
    SITES = "SITES"
    SITES_SELECTED_ONLY = "SITES_SELECTED_ONLY"
    HAZARDS = "HAZARDS"
    HAZARD_IDS = "HAZARD_IDS"
    RULES = "RULES"
    ANALYSIS_CRS = "ANALYSIS_CRS"
    CONFLICTS = "CONFLICTS"
    EXPOSURE = "EXPOSURE"
    SITE_HAZARD = "SITE_HAZARD"
    CONFLICT_COUNT = "CONFLICT_COUNT"

    def group(self) -> str:
        return ""

    def groupId(self) -> str:  # noqa: N802 - QGIS API
        return ""

    def createInstance(self) -> QgsProcessingAlgorithm:  # noqa: N802
        return type(self)()

    # ------------------------------------------------------------------ parameters

    def add_heritage(self) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.HERITAGE, tr("Heritage polygons"), [QgsProcessing.SourceType.TypeVectorPolygon]
            )
        )

    def add_sites(self, *, optional: bool) -> None:
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                self.SITES,
                tr("Infrastructure sites layers"),
                QgsProcessing.SourceType.TypeVectorAnyGeometry,
                optional=optional,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.SITES_SELECTED_ONLY,
                tr("Selected sites only"),
                defaultValue=False,
                optional=True,
            )
        )

    def add_hazards(self, *, optional: bool) -> None:
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                self.HAZARDS,
                tr("Hazard rasters"),
                QgsProcessing.SourceType.TypeRaster,
                optional=optional,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.HAZARD_IDS,
                tr("Hazard ids, ID[@SCENARIO] per raster, comma-separated (empty: layer names)"),
                optional=True,
            )
        )

    def add_rules_and_crs(self) -> None:
        self.addParameter(
            QgsProcessingParameterFile(
                self.RULES,
                tr("Rules file (empty: built-in rules)"),
                extension="toml",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterCrs(self.ANALYSIS_CRS, tr("Analysis CRS"), optional=True)
        )

    # ------------------------------------------------------------------ inputs

    def rules(self, parameters: dict, context: Any) -> Any:
        from ..core.rules import load_rules

        path = self.parameterAsFile(parameters, self.RULES, context)
        return load_rules(path or None)

    def analysis_crs(self, parameters: dict, context: Any) -> str | None:
        if parameters.get(self.ANALYSIS_CRS) in (None, ""):
            return None
        crs = self.parameterAsCrs(parameters, self.ANALYSIS_CRS, context)
        return sources.crs_text(crs) if crs.isValid() else None

    def heritage(self, parameters: dict, context: Any, feedback: Any) -> Any:
        source = self.parameterAsSource(parameters, self.HERITAGE, context)
        layer = sources.source_layer(parameters.get(self.HERITAGE), context)
        return sources.read_source(
            source, layer, what="heritage layer", is_cancelled=feedback.isCanceled
        )

    def sites(self, parameters: dict, context: Any, feedback: Any) -> list[Any]:
        selected = self.parameterAsBool(parameters, self.SITES_SELECTED_ONLY, context)
        layers = self.parameterAsLayerList(parameters, self.SITES, context)
        return [
            sources.read_layer(
                lyr, selected_only=selected, what="sites layer", is_cancelled=feedback.isCanceled
            )
            for lyr in layers
        ]

    def hazards(self, parameters: dict, context: Any, rules: Any) -> list[Any]:
        from ..core.errors import InputError
        from ..core.raster import HazardInput

        layers = self.parameterAsLayerList(parameters, self.HAZARDS, context)
        text = self.parameterAsString(parameters, self.HAZARD_IDS, context).strip()
        tags = [t.strip() for t in re.split(r"[,;]", text)] if text else []
        declared = ", ".join(rules.hazards) or "none"
        if tags and len(tags) != len(layers):
            raise InputError(
                f"HAZARD_IDS: {len(tags)} ids for {len(layers)} hazard rasters; give one "
                f"ID[@SCENARIO] per raster, in order (hazards of the rules: {declared})"
            )
        out = []
        for k, lyr in enumerate(layers):
            tag = tags[k] if tags else (lyr.name() if lyr is not None else "")
            hazard = tag.split("@", 1)[0].strip()
            if hazard not in rules.hazards:
                where = "HAZARD_IDS" if tags else f"hazard raster {lyr.name()!r}"
                hint = "" if tags else "; name the layer ID[@SCENARIO] or fill HAZARD_IDS"
                raise InputError(
                    f"{where}: {hazard!r} is not a hazard id of the rules "
                    f"(hazards: {declared}){hint}"
                )
            path = sources.raster_path(lyr, what=f"hazard raster {tag}")
            out.append(HazardInput.parse(f"{tag}={path}"))
        return out

    # ------------------------------------------------------------------ running

    def analyse(self, request: Any, feedback: Any) -> Any:
        from ..core.engine import run_analysis

        last = [""]

        def progress(frac: float, text: str) -> None:
            if text != last[0]:
                last[0] = text
                feedback.setProgressText(text)
            feedback.setProgress(90.0 * frac)

        result = run_analysis(request, progress=progress, is_cancelled=feedback.isCanceled)
        for w in result.warnings:
            feedback.pushWarning(w)
        return result

    def processAlgorithm(self, parameters: dict, context: Any, feedback: Any) -> dict:  # noqa: N802
        from ..core.errors import HeritagePlannerError

        try:
            return self.process(parameters, context, feedback)
        except HeritagePlannerError as exc:
            raise QgsProcessingException(" ".join(str(exc).split())) from None

    def process(self, parameters: dict, context: Any, feedback: Any) -> dict:
        raise NotImplementedError

    # ------------------------------------------------------------------ outputs

    def write_exposure(
        self, parameters: dict, context: Any, result: Any, feedback: Any
    ) -> str | None:
        if not result.exposure and parameters.get(self.EXPOSURE) is None:
            return None
        from ..core.output import exposure_rows

        fields_spec, rows = exposure_rows(result)
        fields = sources.make_fields(fields_spec)
        sink, dest = self.parameterAsSink(
            parameters,
            self.EXPOSURE,
            context,
            fields,
            QgsWkbTypes.Type.MultiPolygon,
            sources.qgis_crs(result.analysis_crs),
        )
        if sink is None:
            return None
        sources.write_rows(
            sink,
            fields,
            rows,
            to_geometry=lambda g: sources.shapely_to_qgis(g, multi=True),
            is_cancelled=feedback.isCanceled,
            sink_name="exposure",
        )
        return dest

    def write_site_hazard(
        self, parameters: dict, context: Any, result: Any, feedback: Any, wkb_type: int
    ) -> str | None:
        from ..core.output import site_hazard_rows

        fields_spec, rows = site_hazard_rows(result)
        fields = sources.make_fields(fields_spec)
        sink, dest = self.parameterAsSink(
            parameters,
            self.SITE_HAZARD,
            context,
            fields,
            wkb_type,
            sources.qgis_crs(result.analysis_crs),
        )
        if sink is None:
            return None
        if wkb_type == QgsWkbTypes.Type.Point:

            def to_geometry(g: Any) -> Any:
                return sources.point_geometry(g)

        else:

            def to_geometry(g: Any) -> Any:
                return sources.shapely_to_qgis(g, multi=True)

        sources.write_rows(
            sink,
            fields,
            rows,
            to_geometry=to_geometry,
            is_cancelled=feedback.isCanceled,
            sink_name="site hazard",
        )
        return dest


def sites_wkb_type(layers: list[Any]) -> int:
    """The site-hazard sink's type: the sites' own (multi) type when all layers share one
    geometry type, else points (a point on each site)."""
    kinds = {QgsWkbTypes.geometryType(lyr.wkbType()) for lyr in layers}
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind == QgsWkbTypes.GeometryType.LineGeometry:
            return QgsWkbTypes.Type.MultiLineString
        if kind == QgsWkbTypes.GeometryType.PolygonGeometry:
            return QgsWkbTypes.Type.MultiPolygon
    return QgsWkbTypes.Type.Point


class DetectConflictsAlgorithm(_Base):
    """heritage_planner:detectconflicts — the full analysis."""

    def name(self) -> str:
        return "detectconflicts"

    def displayName(self) -> str:  # noqa: N802
        return tr("Detect conflicts")

    def shortHelpString(self) -> str:  # noqa: N802
        return (
            tr(
                "<p>Finds where smart-city infrastructure and climate hazards conflict with "
                "protected heritage, following a rules file: sites too close to heritage "
                "buildings, heritage polygons exposed to a hazard class, sites in hazard zones.</p>"
                "<p><b>Heritage polygons</b> honour <i>selected features only</i>; "
                "<b>sites layers</b> can be points, lines or polygons (tick <i>Selected sites "
                "only</i> to use each layer's selection).</p>"
            )
            + tr(_HELP_HAZARDS)
            + tr(_HELP_RULES)
            + tr(
                "<p><b>Outputs</b>: <i>Conflicts</i> as points (on the site, or on the heritage "
                "polygon for exposure conflicts) with rule, severity, ids, value and message; "
                "<i>Exposure</i>: per heritage polygon and hazard raster, min/max/mean and the "
                "exact fraction in each hazard class; <i>Site hazard</i>: per site and raster, "
                "the hazard value and class (in the sites' geometry type when all layers share "
                "one, else points); and the number of conflicts per severity.</p>"
            )
        )

    def initAlgorithm(self, config: dict | None = None) -> None:  # noqa: N802
        self.add_heritage()
        self.add_sites(optional=True)
        self.add_hazards(optional=True)
        self.add_rules_and_crs()
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.CONFLICTS, tr("Conflicts"), QgsProcessing.SourceType.TypeVectorPoint
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.EXPOSURE,
                tr("Exposure"),
                QgsProcessing.SourceType.TypeVectorPolygon,
                optional=True,
                createByDefault=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.SITE_HAZARD,
                tr("Site hazard"),
                QgsProcessing.SourceType.TypeVectorAnyGeometry,
                optional=True,
                createByDefault=True,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.CONFLICT_COUNT, tr("Number of conflicts")))
        labels = {
            "critical": tr("Critical conflicts"),
            "high": tr("High-severity conflicts"),
            "medium": tr("Medium-severity conflicts"),
            "low": tr("Low-severity conflicts"),
        }
        for sev in _SEVERITIES:
            self.addOutput(QgsProcessingOutputNumber(f"COUNT_{sev.upper()}", labels[sev]))

    def process(self, parameters: dict, context: Any, feedback: Any) -> dict:
        from ..core.engine import AnalysisRequest
        from ..core.errors import InputError
        from ..core.output import CONFLICT_FIELDS

        rules = self.rules(parameters, context)
        hazards = self.hazards(parameters, context, rules)
        site_layers = self.parameterAsLayerList(parameters, self.SITES, context)
        if not site_layers and not hazards:
            raise InputError("nothing to analyse: give at least one sites layer or hazard raster")
        feedback.setProgressText(tr("reading layers"))
        request = AnalysisRequest(
            heritage=self.heritage(parameters, context, feedback),
            sites=self.sites(parameters, context, feedback),
            hazards=hazards,
            rules=rules,
            analysis_crs=self.analysis_crs(parameters, context),
        )
        result = self.analyse(request, feedback)
        feedback.setProgressText(tr("writing outputs"))
        fields = sources.make_fields(CONFLICT_FIELDS)
        sink, conflicts_dest = self.parameterAsSink(
            parameters,
            self.CONFLICTS,
            context,
            fields,
            QgsWkbTypes.Type.Point,
            sources.qgis_crs(result.analysis_crs),
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.CONFLICTS))
        sources.write_rows(
            sink,
            fields,
            (
                (
                    c.geometry,
                    {
                        **{k: getattr(c, k) for k, _ in CONFLICT_FIELDS},
                        "rule_type": c.rule_type.value,
                        "severity": c.severity.value,
                    },
                )
                for c in result.conflicts
            ),
            to_geometry=sources.point_geometry,
            is_cancelled=feedback.isCanceled,
            sink_name="conflicts",
        )
        feedback.setProgress(95.0)
        out: dict[str, Any] = {self.CONFLICTS: conflicts_dest}
        exposure_dest = self.write_exposure(parameters, context, result, feedback)
        if exposure_dest is not None:
            out[self.EXPOSURE] = exposure_dest
        sh_dest = self.write_site_hazard(
            parameters, context, result, feedback, sites_wkb_type(site_layers)
        )
        if sh_dest is not None:
            out[self.SITE_HAZARD] = sh_dest
        counts = result.counts_by_severity()
        out[self.CONFLICT_COUNT] = len(result.conflicts)
        for sev in _SEVERITIES:
            out[f"COUNT_{sev.upper()}"] = counts[sev]
        feedback.pushInfo(
            f"{len(result.conflicts)} conflicts: "
            + ", ".join(f"{counts[s]} {s}" for s in _SEVERITIES)
        )
        feedback.setProgress(100.0)
        return out


class HazardExposureAlgorithm(_Base):
    """heritage_planner:hazardexposure — exposure of heritage polygons only."""

    def name(self) -> str:
        return "hazardexposure"

    def displayName(self) -> str:  # noqa: N802
        return tr("Heritage hazard exposure")

    def shortHelpString(self) -> str:  # noqa: N802
        return (
            tr(
                "<p>For each heritage polygon and hazard raster: min, max and area-weighted mean "
                "of the hazard, and the exact fraction of the polygon in each hazard class of the "
                "rules (from exact cell coverage; nodata and off-raster parts reported "
                "separately). <i>Selected features only</i> is honoured.</p>"
            )
            + tr(_HELP_HAZARDS)
            + tr(_HELP_RULES)
        )

    def initAlgorithm(self, config: dict | None = None) -> None:  # noqa: N802
        self.add_heritage()
        self.add_hazards(optional=False)
        self.add_rules_and_crs()
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.EXPOSURE, tr("Exposure"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )

    def process(self, parameters: dict, context: Any, feedback: Any) -> dict:
        from ..core.engine import AnalysisRequest

        rules = self.rules(parameters, context)
        hazards = self.hazards(parameters, context, rules)
        request = AnalysisRequest(
            heritage=self.heritage(parameters, context, feedback),
            sites=[],
            hazards=hazards,
            rules=rules,
            analysis_crs=self.analysis_crs(parameters, context),
        )
        result = self.analyse(request, feedback)
        dest = self.write_exposure(parameters, context, result, feedback)
        if dest is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.EXPOSURE))
        feedback.setProgress(100.0)
        return {self.EXPOSURE: dest}


class SiteHazardAlgorithm(_Base):
    """heritage_planner:sitehazard — hazard value and class at infrastructure sites only."""

    def name(self) -> str:
        return "sitehazard"

    def displayName(self) -> str:  # noqa: N802
        return tr("Site hazard")

    def shortHelpString(self) -> str:  # noqa: N802
        return (
            tr(
                "<p>Hazard value at each infrastructure site and its class in the rules: a point "
                "takes the value of its cell, a line the maximum over the cells it crosses, a "
                "polygon the maximum over the cells it covers. The output keeps the sites' "
                "geometry type when all layers share one, else it is points.</p>"
            )
            + tr(_HELP_HAZARDS)
            + tr(_HELP_RULES)
        )

    def initAlgorithm(self, config: dict | None = None) -> None:  # noqa: N802
        self.add_sites(optional=False)
        self.add_hazards(optional=False)
        self.add_rules_and_crs()
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.SITE_HAZARD,
                tr("Site hazard"),
                QgsProcessing.SourceType.TypeVectorAnyGeometry,
            )
        )

    def process(self, parameters: dict, context: Any, feedback: Any) -> dict:
        import numpy as np

        from ..core.engine import AnalysisRequest
        from ..core.errors import InputError
        from ..core.geo import choose_analysis_crs
        from ..core.vector import VectorData

        rules = self.rules(parameters, context)
        hazards = self.hazards(parameters, context, rules)
        site_layers = self.parameterAsLayerList(parameters, self.SITES, context)
        if not site_layers:
            raise InputError("SITES: give at least one sites layer")
        sites = self.sites(parameters, context, feedback)
        crs = self.analysis_crs(parameters, context)
        if crs is None:  # no heritage here: the first sites layer decides, as heritage would
            first = sites[0]
            crs = choose_analysis_crs(first.crs, first.geoms).to_wkt()
        hf = rules.heritage
        no_heritage = VectorData.from_wkb(
            "heritage",
            [],
            crs,
            attributes={f: [] for f in (hf.id, hf.name, hf.zone, hf.category) if f},
        )
        no_heritage.geoms = np.zeros(0, dtype=object)
        request = AnalysisRequest(
            heritage=no_heritage, sites=sites, hazards=hazards, rules=rules, analysis_crs=crs
        )
        result = self.analyse(request, feedback)
        dest = self.write_site_hazard(
            parameters, context, result, feedback, sites_wkb_type(site_layers)
        )
        if dest is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.SITE_HAZARD))
        feedback.setProgress(100.0)
        return {self.SITE_HAZARD: dest}


__all__ = ["DetectConflictsAlgorithm", "HazardExposureAlgorithm", "SiteHazardAlgorithm"]
