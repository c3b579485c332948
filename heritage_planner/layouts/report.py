"""PDF map report of a results GeoPackage, built with QGIS's own layout engine.

One ``.qpt`` template holds two pages: the overview and the page repeated (as an atlas) for
each affected heritage feature, worst severity first. Both are exported through
``QgsLayoutExporter.exportToPdf`` into one PDF, written under a temporary name in the target
folder and renamed at the end: a failed or cancelled report never leaves a partial PDF.

Threading: layouts are not thread safe, so :func:`build_report` reads the results in the
calling thread (a ``QgsTask`` worker is fine) and runs the layout part on the main thread
(:func:`.qgis_env.run_on_main_thread`), processing events between pages so QGIS stays
responsive and cancel requests are seen. Headless, a ``QgsApplication`` is started on demand.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.definitions import SEVERITY_COLORS, Severity
from ..core.errors import CancelledError, InputError, OutputError
from . import templates as T
from .data import ReportData, load_report_data
from .qgis_env import ensure_qgis_app, run_on_main_thread

PAGE_SIZES = tuple(T.PAGE_SIZES_MM)
ORIENTATIONS = ("landscape", "portrait")
DEFAULT_TITLE = "Heritage conflict report"


@dataclass
class ReportInfo:
    """What was written."""

    pdf: Path
    page_count: int
    pages: list[dict[str, Any]]  # per atlas page: title, heritage_id, worst severity, conflicts
    template: Path
    png_files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Progress:
    """Accepts a ``QgsFeedback`` or ``callable(fraction, text)`` plus ``is_cancelled``."""

    def __init__(self, feedback: Any, is_cancelled: Callable[[], bool] | None) -> None:
        self.feedback, self.is_cancelled = feedback, is_cancelled

    def __call__(self, frac: float, text: str) -> None:
        fb = self.feedback
        if fb is None:
            return
        if hasattr(fb, "setProgress"):
            fb.setProgress(100.0 * frac)
            if hasattr(fb, "setProgressText"):
                fb.setProgressText(text)
        else:
            fb(frac, text)

    def cancelled(self) -> bool:
        if self.is_cancelled is not None and self.is_cancelled():
            return True
        return bool(
            self.feedback is not None and getattr(self.feedback, "isCanceled", lambda: False)()
        )

    def check(self) -> None:
        if self.cancelled():
            raise CancelledError("report cancelled; no PDF was written")


def check_pdf_path(out_pdf: str | Path) -> Path:
    """Fail before any work if the PDF cannot be written (an existing PDF is replaced)."""
    p = Path(out_pdf)
    if p.suffix.lower() != ".pdf":
        raise OutputError(f"--out {p}: must end in .pdf")
    if p.is_dir():
        raise OutputError(f"--out {p}: is a folder")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"--out {p}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"--out {p}: folder {parent} is not writable")
    if p.exists() and not os.access(p, os.W_OK):
        raise OutputError(f"--out {p}: exists and is read-only")
    return p


def build_report(
    results_gpkg: str | Path,
    out_pdf: str | Path,
    *,
    hazard_raster: str | Path | None = None,
    zones: str | Path | None = None,
    template: str | Path | None = None,
    per_conflict: bool = False,
    page_size: str = "A4",
    orientation: str = "landscape",
    organisation: str | None = None,
    logo: str | Path | None = None,
    png_dir: str | Path | None = None,
    title: str | None = None,
    min_severity: str | None = None,
    dpi: float = 150.0,
    feedback: Any = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ReportInfo:
    """Write the PDF report of ``results_gpkg`` to ``out_pdf``; see the module docstring.

    ``hazard_raster`` defaults to the run's first hazard raster when it still exists;
    ``zones`` is an optional polygon layer (``path[|layername=X]``) of heritage zones.
    ``min_severity`` keeps only pages whose worst conflict is at least that severe (the
    overview still counts every conflict).
    Raises :class:`InputError`/:class:`OutputError` (one line) on bad input and
    :class:`CancelledError` when cancelled; nothing is written then.
    """
    prog = _Progress(feedback, is_cancelled)
    out = check_pdf_path(out_pdf)
    if page_size.upper() not in T.PAGE_SIZES_MM:
        raise InputError(f"--page-size {page_size}: expected one of {', '.join(PAGE_SIZES)}")
    if orientation.lower() not in ORIENTATIONS:
        raise InputError(f"--orientation {orientation}: expected portrait or landscape")
    tpl = Path(template) if template else T.builtin_template_path(page_size, orientation)
    if not tpl.is_file():
        what = "--template" if template else "built-in template"
        raise InputError(f"{what} {tpl}: file not found")
    if logo and not Path(logo).is_file():
        raise InputError(f"--logo {logo}: file not found")
    if png_dir is not None:
        pd = Path(png_dir)
        if pd.exists() and not pd.is_dir():
            raise OutputError(f"--png-dir {pd}: is not a folder")
        if not pd.exists() and not pd.parent.is_dir():
            raise OutputError(f"--png-dir {pd}: parent folder {pd.parent} does not exist")
    try:
        min_sev = Severity.parse(min_severity) if min_severity else None
    except ValueError as exc:
        raise InputError(f"--min-severity: {exc}") from None
    if hazard_raster is not None and not Path(hazard_raster).is_file():
        raise InputError(f"hazard raster {hazard_raster}: file not found")
    if zones is not None and not Path(str(zones).split("|")[0]).is_file():
        raise InputError(f"zones layer {zones}: file not found")

    prog(0.0, "reading results")
    data = load_report_data(results_gpkg)
    prog.check()
    ensure_qgis_app()
    job = _ReportJob(
        data,
        out,
        tpl,
        prog,
        hazard_raster=str(hazard_raster) if hazard_raster else None,
        zones=str(zones) if zones else None,
        per_conflict=per_conflict,
        organisation=organisation or "",
        logo=str(logo) if logo else "",
        png_dir=Path(png_dir) if png_dir is not None else None,
        title=title or DEFAULT_TITLE,
        dpi=dpi,
        min_severity=min_sev,
    )
    return run_on_main_thread(job.run)


# --------------------------------------------------------------------------- the layout part


class _ReportJob:
    """Everything done with QGIS objects; runs on the main thread."""

    def __init__(
        self, data: ReportData, out: Path, template: Path, prog: _Progress, **opts: Any
    ) -> None:
        self.data, self.out, self.template, self.prog = data, out, template, prog
        self.opts = opts
        self.warnings: list[str] = list(data.warnings)
        self.pages = data.pages(per_conflict=opts["per_conflict"])
        if opts.get("min_severity") is not None:
            self.pages = [p for p in self.pages if p.worst.rank >= opts["min_severity"].rank]

    def run(self) -> ReportInfo:
        from qgis.core import QgsProject

        project = QgsProject()
        layouts: list[Any] = []
        _remove_stale_parts(self.out)
        tmp = self.out.with_name(f".{self.out.stem}.part-{os.getpid()}-{secrets.token_hex(4)}.pdf")
        try:
            self.layers = _Layers(self.data, project, self.pages, self.opts, self.warnings)
            overview = self._load_template(project, keep_page=0)
            atlas_layout = self._load_template(project, keep_page=1)
            layouts += [overview, atlas_layout]
            self._setup_overview(overview)
            self._setup_atlas(atlas_layout)
            self.prog.check()
            self._export_pdf(overview, atlas_layout, tmp)
            pngs = self._export_pngs(overview, atlas_layout) if self.opts["png_dir"] else []
            os.replace(tmp, self.out)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        finally:
            for lay in layouts:
                lay.atlas().setCoverageLayer(None)
            del layouts
            project.removeAllMapLayers()
            project.clear()
        self.prog(1.0, "done")
        return ReportInfo(
            pdf=self.out,
            page_count=1 + len(self.pages),
            pages=[
                {
                    "title": p.title,
                    "heritage_id": p.heritage_id,
                    "worst": p.worst.value,
                    "conflicts": p.conflict_ids,
                }
                for p in self.pages
            ],
            template=self.template,
            png_files=pngs,
            warnings=self.warnings,
        )

    # ---- template
    def _load_template(self, project: Any, *, keep_page: int) -> Any:
        from qgis.core import QgsPrintLayout, QgsReadWriteContext
        from qgis.PyQt.QtXml import QDomDocument

        try:
            text = self.template.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"template {self.template}: cannot read it ({exc})") from None
        doc = QDomDocument()
        ok = doc.setContent(text)
        ok = ok[0] if isinstance(ok, tuple) else ok
        if not ok or doc.documentElement().tagName() != "Layout":
            raise InputError(
                f"template {self.template}: not a QGIS layout template "
                "(a .qpt saved from the Layout Manager)"
            )
        layout = QgsPrintLayout(project)
        layout.initializeDefaults()
        _items, ok = layout.loadFromTemplate(doc, QgsReadWriteContext(), True)
        pages = layout.pageCollection()
        if not ok or pages.pageCount() < 2:
            raise InputError(
                f"template {self.template}: needs 2 pages (1: overview, 2: page per heritage "
                f"feature), found {pages.pageCount()}"
            )
        # keep one page: items of the others go with them, the kept ones move to page 1
        kept = [(item, item.pagePositionWithUnits()) for item in pages.itemsOnPage(keep_page)]
        for n in reversed(range(pages.pageCount())):
            if n == keep_page:
                continue
            for item in pages.itemsOnPage(n):
                if item.scene() is not None:
                    layout.removeLayoutItem(item)
            pages.takePage(pages.page(n))  # deletePage() warns on stderr; this does not
        for item, pos in kept:
            item.attemptMove(pos, True, False, 0)
        layout.setName("overview" if keep_page == 0 else "feature pages")
        return layout

    def _vars(self, layout: Any) -> None:
        from qgis.core import Qgis, QgsExpressionContextUtils

        d = self.data
        rules = d.run.get("rules", {})
        started = str(d.run.get("started", ""))
        try:
            started = datetime.fromisoformat(started).strftime("%Y-%m-%d %H:%M UTC")
        except ValueError:
            pass
        today = datetime.now(UTC).astimezone().strftime("%Y-%m-%d")
        org = self.opts["organisation"]
        version = d.run.get("versions", {}).get("heritage_planner", "?")
        values = {
            "hp_report_title": self.opts["title"],
            "hp_organisation": org,
            "hp_report_date": today,
            "hp_run_started": started,
            "hp_subtitle": " · ".join(
                x for x in (org, f"report of {today}", f"analysis of {started}") if x
            ),
            "hp_rules_name": rules.get("name", ""),
            "hp_rules_version": rules.get("version", ""),
            "hp_rules_sha256": rules.get("sha256", ""),
            "hp_results_file": d.results.name,
            "hp_results_sha256": d.results_sha256,
            "hp_plugin_version": version,
            "hp_page_count": str(1 + len(self.pages)),
            "hp_page_number": "1",
            "hp_footer": (
                f"Heritage Planner {version} · QGIS {Qgis.version().split('-')[0]} · "
                f"{d.results.name} · rules {rules.get('name', '')} v{rules.get('version', '')} "
                f"sha256 {rules.get('sha256', '')}"
            ),
        }
        for k, v in values.items():
            QgsExpressionContextUtils.setLayoutVariable(layout, k, v)

    # ---- page 1
    def _setup_overview(self, layout: Any) -> None:
        self._vars(layout)
        L = self.layers
        title = layout.itemById(T.TITLE)
        if title is not None and not title.text().strip():
            title.setText("[% @hp_report_title %]")
        logo = layout.itemById(T.LOGO)
        if logo is not None:
            if self.opts["logo"]:
                logo.setPicturePath(self.opts["logo"])
            elif not logo.picturePath():
                logo.setVisibility(False)
        omap = layout.itemById(T.OVERVIEW_MAP)
        if omap is not None:
            omap.setCrs(L.crs)
            omap.setLayers(L.map_layers())
            omap.zoomToExtent(L.study_extent())
            omap.setKeepLayerSet(True)
        legend = layout.itemById(T.OVERVIEW_LEGEND)
        if legend is not None:
            legend.setAutoUpdateModel(False)
            root = legend.model().rootGroup()
            root.removeAllChildren()
            for lyr in L.legend_layers():
                node = root.addLayer(lyr)
                if lyr is L.hazard:  # drop the "Band 1 (Gray)" heading of the raster legend
                    from qgis.core import QgsMapLayerLegendUtils

                    n = len(legend.model().layerLegendNodes(node, True))
                    QgsMapLayerLegendUtils.setLegendNodeOrder(node, list(range(1, n)))
                    legend.model().refreshLayerLegend(node)
            legend.updateLegend()
        self._fill_tables(layout)
        self._add_search_text(layout, self._overview_search_text())

    def _overview_search_text(self) -> str:
        """Names of the affected features (the map labels are not searchable in Tamil)."""
        return " · ".join(dict.fromkeys(p.title for p in self.pages))

    def _add_search_text(self, layout: Any, text: str) -> None:
        from .searchable import SearchableText

        item = SearchableText(layout, text)
        layout.addLayoutItem(item)
        from qgis.core import QgsLayoutPoint, QgsLayoutSize

        # in the top margin, clear of visible text so text extraction keeps its lines apart
        width = layout.pageCollection().page(0).rect().width()
        item.attemptResize(QgsLayoutSize(width - 20, 7))
        item.attemptMove(QgsLayoutPoint(10, 1.5), page=0)
        self._search_items = getattr(self, "_search_items", []) + [item]

    def _fill_tables(self, layout: Any) -> None:
        from qgis.core import Qgis

        d = self.data
        counts = d.counts_by_severity()
        features = {s: 0 for s in Severity}
        if not self.opts["per_conflict"]:
            for p in d.pages():  # all features, also when pages are limited by severity
                features[p.worst] += 1
        sev_rows = [
            [
                _cell(s.value, bg=SEVERITY_COLORS[s], fg="#ffffff", bold=True),
                _cell(counts[s]),
                _cell(features[s] if not self.opts["per_conflict"] else ""),
            ]
            for s in sorted(Severity, key=lambda s: -s.rank)
        ]
        sev_rows.append(
            [
                _cell("total", bold=True),
                _cell(sum(counts.values()), bold=True),
                _cell(
                    len({c["heritage_fid"] for c in d.conflicts if c["heritage_fid"] is not None}),
                    bold=True,
                ),
            ]
        )
        _set_manual(layout, T.SEVERITY_TABLE, sev_rows)

        rule_rows = []
        for rid, rtype, sev, n in d.counts_by_rule():
            grey = "#8a8a8a" if n == 0 else None
            rule_rows.append(
                [
                    _cell(rid, fg=grey),
                    _cell(rtype, fg=grey),
                    _cell(
                        sev.value if sev else "",
                        bg=SEVERITY_COLORS[sev] if sev and n else None,
                        fg="#ffffff" if sev and n else grey,
                    ),
                    _cell(n, fg=grey),
                ]
            )
        _set_manual(
            layout,
            T.RULES_TABLE,
            rule_rows or [[_cell("no rules"), _cell(""), _cell(""), _cell("")]],
        )

        unlinked = d.unlinked_conflicts()
        frame = layout.itemById(T.UNLINKED_TABLE)
        limit = max(1, int((frame.rect().height() - 5.0) / 4.2)) - 1 if frame is not None else 6
        un_rows = [
            [
                _cell(c["severity"], bg=SEVERITY_COLORS[c.severity], fg="#ffffff"),
                _cell(c["conflict_id"]),
                _cell(c["message"]),
            ]
            for c in unlinked[:limit]
        ]
        if len(unlinked) > limit:
            un_rows.append(
                [
                    _cell(""),
                    _cell(""),
                    _cell(
                        f"… and {len(unlinked) - limit} more: see the 'conflicts' layer "
                        f"of {d.results.name}"
                        + ("" if self.opts["per_conflict"] else " or use --per-conflict")
                    ),
                ]
            )
        if not un_rows:
            un_rows = [[_cell(""), _cell(""), _cell("none")]]
        _set_manual(layout, T.UNLINKED_TABLE, un_rows)

        rules = d.run.get("rules", {})
        versions = d.run.get("versions", {})
        run_rows = [
            ("Results", f"{d.results.name}  sha256 {d.results_sha256}"),
            (
                "Analysis",
                f"{d.run.get('started', '')} · {d.run.get('elapsed_s', '?')} s · "
                f"CRS {d.run.get('analysis_crs', '')}",
            ),
            (
                "Rules",
                f"{rules.get('name', '')} v{rules.get('version', '')} "
                f"({Path(str(rules.get('source', ''))).name})",
            ),
            ("Rules sha256", str(rules.get("sha256", ""))),
            (
                "Software",
                f"Heritage Planner {versions.get('heritage_planner', '?')} · QGIS "
                f"{Qgis.version().split('-')[0]} · GDAL {versions.get('gdal', '?')} · "
                f"GEOS {versions.get('geos', '?')}",
            ),
        ]
        for inp in d.run.get("inputs", []):
            src = str(inp.get("source", ""))
            name = Path(src.split("|")[0]).name + (
                f" ({src.split('layername=')[1].split('|')[0]})" if "layername=" in src else ""
            )
            run_rows.append(
                (str(inp.get("role", "input")), f"{name}  sha256 {inp.get('sha256', 'n/a')}")
            )
        if self.layers.hazard_path:
            run_rows.append(("Map raster", Path(self.layers.hazard_path).name))
        if self.opts.get("min_severity") is not None:
            everything = len(d.pages(per_conflict=self.opts["per_conflict"]))
            run_rows.append(
                (
                    "Pages",
                    f"only {self.opts['min_severity'].value} or worse: {len(self.pages)} of "
                    f"{everything} {'conflicts' if self.opts['per_conflict'] else 'features'}",
                )
            )
        warns = list(d.run.get("warnings", [])) + self.warnings
        run_rows.append(("Warnings", "; ".join(warns) if warns else "none"))
        _set_manual(layout, T.RUN_TABLE, [[_cell(k, bold=True), _cell(v)] for k, v in run_rows])

        sign = [
            [_cell(role, bold=True), _cell(""), _cell(""), _cell("")]
            for role in ("Prepared by", "Reviewed by")
        ]
        table = _set_manual(layout, T.SIGNOFF_TABLE, sign)
        if table is not None:
            table.setRowHeights([9.0, 9.0])

    # ---- page 2
    def _setup_atlas(self, layout: Any) -> None:
        from qgis.core import QgsConditionalStyle  # noqa: F401 - styles live on the layer

        self._vars(layout)
        L = self.layers
        atlas = layout.atlas()
        atlas.setCoverageLayer(L.coverage)
        atlas.setEnabled(True)
        atlas.setHideCoverage(False)
        atlas.setSortFeatures(True)
        atlas.setSortExpression('"page_number"')
        atlas.setSortAscending(True)
        atlas.setFilterFeatures(False)
        atlas.setPageNameExpression('"title"')
        fmap = layout.itemById(T.FEATURE_MAP)
        if fmap is not None:
            fmap.setCrs(L.crs)
            fmap.setLayers(L.map_layers())
            fmap.setKeepLayerSet(True)
            fmap.setAtlasDriven(True)
        loc = layout.itemById(T.FEATURE_LOCATOR)
        if loc is not None:
            loc.setCrs(L.crs)
            loc.setLayers(L.locator_layers())
            loc.setKeepLayerSet(True)
            if not loc.atlasDriven():
                loc.zoomToExtent(L.study_extent())
            loc.setLayerStyleOverrides(L.unlabelled_styles())
            loc.setKeepLayerStyles(True)
            stack = loc.overviews()
            for i in range(stack.size()):
                ov = stack.overview(i)
                if ov.linkedMap() is None and fmap is not None:
                    ov.setLinkedMap(fmap)
        for item_id, layer, flt in (
            (
                T.FEATURE_CONFLICTS,
                L.conflict_table,
                "\"page_key\" = attribute(@atlas_feature, 'key')",
            ),
            (
                T.FEATURE_EXPOSURE,
                L.exposure_table,
                "\"heritage_fid\" = attribute(@atlas_feature, 'heritage_fid')",
            ),
        ):
            table = _multiframe(layout, item_id)
            if table is None:
                continue
            cols = table.columns()
            table.setVectorLayer(layer)
            if cols:
                table.setColumns(cols)
            table.setFilterFeatures(True)
            table.setFeatureFilter(flt)
            table.setFilterToAtlasFeature(False)
            table.setUseConditionalStyling(True)
            table.setMaximumNumberOfFeatures(500)
            if item_id == T.FEATURE_CONFLICTS:
                from qgis.core import QgsLayoutTableColumn

                rank = QgsLayoutTableColumn()
                rank.setAttribute('"severity_rank"')
                rank.setSortOrder(_descending())
                cid = QgsLayoutTableColumn()
                cid.setAttribute('"conflict_id"')
                table.setSortColumns([rank, cid])
                table.setMaximumNumberOfFeatures(MAX_FEATURE_ROWS)
                _add_more_rows_note(layout, table)
        self._add_search_text(layout, '[% "title" %]')

    # ---- export
    def _export_pdf(self, overview: Any, atlas_layout: Any, tmp: Path) -> None:
        from qgis.core import QgsLayoutExporter, QgsRenderContext

        settings = QgsLayoutExporter.PdfExportSettings()
        settings.dpi = self.opts["dpi"]
        settings.textRenderFormat = QgsRenderContext.TextFormatAlwaysText
        settings.rasterizeWholeImage = False
        settings.forceVectorOutput = False
        settings.appendGeoreference = True
        settings.exportMetadata = True
        settings.simplifyGeometries = True
        it = _PageIterator(overview, atlas_layout, self.prog, len(self.pages))
        result, error = QgsLayoutExporter.exportToPdf(it, str(tmp), settings)
        if it.cancelled or self.prog.cancelled():
            raise CancelledError("report cancelled; no PDF was written")
        if result != QgsLayoutExporter.ExportResult.Success or it.rendered != 1 + len(self.pages):
            raise OutputError(
                f"--out {self.out}: QGIS could not write the PDF ({error or _export_error(result)})"
            )

    def _export_pngs(self, overview: Any, atlas_layout: Any) -> list[Path]:
        from qgis.core import QgsLayoutExporter

        folder: Path = self.opts["png_dir"]
        folder.mkdir(parents=True, exist_ok=True)
        stem = self.out.stem
        settings = QgsLayoutExporter.ImageExportSettings()
        settings.dpi = min(self.opts["dpi"], 150.0)
        settings.generateWorldFile = False
        out: list[Path] = []

        def one(layout: Any, n: int) -> None:
            self.prog.check()
            target = folder / f"{stem}-{n:03d}.png"
            tmp = folder / f".{target.stem}.part-{secrets.token_hex(4)}.png"
            QgsExpressionContextUtils_set(layout, "hp_page_number", str(n))
            res = QgsLayoutExporter(layout).exportToImage(str(tmp), settings)
            if res != QgsLayoutExporter.ExportResult.Success:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise OutputError(
                    f"--png-dir {folder}: cannot write {target.name} ({_export_error(res)})"
                )
            os.replace(tmp, target)
            out.append(target)

        one(overview, 1)
        atlas = atlas_layout.atlas()
        atlas.beginRender()
        try:
            for i in range(atlas.count()):
                atlas.seekTo(i)
                one(atlas_layout, i + 2)
        finally:
            atlas.endRender()
        return out


#: conflicts listed on a feature page; more would not fit the frame, so the page says how many
#: were left out instead of dropping rows silently
MAX_FEATURE_ROWS = 10
MORE_ROWS_ID = "hp_feature_conflicts_more"


def _add_more_rows_note(layout: Any, table: Any) -> None:
    """A line at the foot of the feature's conflicts table when it has more than fit."""
    from qgis.core import QgsLayoutItemLabel, QgsLayoutPoint, QgsLayoutSize, QgsUnitTypes
    from qgis.PyQt.QtGui import QFont

    if layout.itemById(MORE_ROWS_ID) is not None or table.frameCount() == 0:
        return
    frame = table.frame(0)
    mm = QgsUnitTypes.LayoutUnit.LayoutMillimeters
    x, y = frame.positionWithUnits().x(), frame.positionWithUnits().y()
    w, h = frame.sizeWithUnits().width(), frame.sizeWithUnits().height()
    n = MAX_FEATURE_ROWS
    label = QgsLayoutItemLabel(layout)
    label.setId(MORE_ROWS_ID)
    label.setText(
        "[% CASE WHEN attribute(@atlas_feature, 'n_conflicts') > "
        f"{n} THEN 'Only the {n} most severe of ' || attribute(@atlas_feature, 'n_conflicts') "
        "|| ' conflicts are listed here; all of them are in the conflicts layer of the results "
        "and on the map.' ELSE '' END %]"
    )
    font = QFont("Noto Sans")
    font.setPointSizeF(7.5)
    font.setItalic(True)
    label.setFont(font)
    layout.addLayoutItem(label)
    label.attemptMove(QgsLayoutPoint(x, y + h - 8.0, mm))
    label.attemptResize(QgsLayoutSize(w, 8.0, mm))


def _remove_stale_parts(out: Path) -> None:
    """Temporary PDFs of earlier runs that were killed (no cleanup ran) go away."""
    for f in out.parent.glob(f".{out.stem}.part-*.pdf"):
        try:
            pid = int(f.name.split(".part-", 1)[1].split("-", 1)[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                f.unlink()
        except (ValueError, IndexError, PermissionError, OSError):
            continue


def QgsExpressionContextUtils_set(layout: Any, name: str, value: str) -> None:  # noqa: N802
    from qgis.core import QgsExpressionContextUtils

    QgsExpressionContextUtils.setLayoutVariable(layout, name, value)


def _descending() -> Any:
    from qgis.PyQt.QtCore import Qt

    return Qt.SortOrder.DescendingOrder


def _export_error(result: Any) -> str:
    from qgis.core import QgsLayoutExporter

    names = {
        QgsLayoutExporter.ExportResult.FileError: "file error: the file may be open elsewhere",
        QgsLayoutExporter.ExportResult.PrintError: "could not create the PDF device",
        QgsLayoutExporter.ExportResult.MemoryError: "out of memory: try a lower dpi",
        QgsLayoutExporter.ExportResult.IteratorError: "atlas error",
        QgsLayoutExporter.ExportResult.Canceled: "cancelled",
    }
    return names.get(result, f"export result {int(result)}")


def _page_iterator_base() -> Any:
    from qgis.core import QgsAbstractLayoutIterator

    return QgsAbstractLayoutIterator


class _PageIterator(_page_iterator_base()):  # type: ignore[misc]
    """Overview layout once, then the atlas layout once per feature, as one PDF."""

    def __init__(self, overview: Any, atlas_layout: Any, prog: _Progress, n_pages: int) -> None:
        super().__init__()
        self.overview, self.atlas_layout, self.prog = overview, atlas_layout, prog
        self.atlas = atlas_layout.atlas()
        self.n_pages = n_pages
        self.index = -1
        self.rendered = 0
        self.cancelled = False

    def count(self) -> int:
        return 1 + self.n_pages

    def beginRender(self) -> bool:  # noqa: N802
        self.index = -1
        self.rendered = 0
        self.atlas.beginRender()
        return True

    def endRender(self) -> bool:  # noqa: N802
        self.atlas.endRender()
        return True

    def next(self) -> bool:  # noqa: A003
        from qgis.PyQt.QtCore import QCoreApplication

        if self.index >= 0:
            self.rendered += 1
        QCoreApplication.processEvents()  # keep QGIS responsive between pages
        if self.prog.cancelled():
            self.cancelled = True
            return False
        self.index += 1
        total = self.count()
        if self.index >= total:
            return False
        self.prog(0.1 + 0.85 * self.index / total, f"page {self.index + 1} of {total}")
        if self.index == 0:
            return True
        ok = self.atlas.seekTo(self.index - 1)
        QgsExpressionContextUtils_set(self.atlas_layout, "hp_page_number", str(self.index + 1))
        return bool(ok)

    def layout(self) -> Any:
        return self.overview if self.index == 0 else self.atlas_layout

    def filePath(self, base: str, ext: str) -> str:  # noqa: N802
        return f"{base}.{ext}"


def _multiframe(layout: Any, frame_id: str) -> Any:
    frame = layout.itemById(frame_id)
    if frame is None or not hasattr(frame, "multiFrame"):
        return None
    return frame.multiFrame()


@dataclass(frozen=True)
class _Cell:
    text: str
    bg: str | None = None
    fg: str | None = None
    bold: bool = False


def _cell(value: Any, *, bg: str | None = None, fg: str | None = None, bold: bool = False) -> _Cell:
    return _Cell("" if value is None else str(value), bg, fg, bold)


def _set_manual(layout: Any, frame_id: str, rows: list[list[_Cell]]) -> Any:
    """Fill a manual table in the template's fonts, shrinking them until the rows fit the frame
    (a run record must never lose its last rows to a short frame)."""
    from qgis.core import QgsTableCell
    from qgis.PyQt.QtGui import QColor

    table = _multiframe(layout, frame_id)
    frame = layout.itemById(frame_id)
    if table is None or not hasattr(table, "setTableContents"):
        return None
    base, head = table.contentTextFormat(), table.headerTextFormat()
    size0, hsize0 = base.size(), head.size()

    def fill(scale: float) -> None:
        fmt0 = type(base)(base)
        fmt0.setSize(size0 * scale)
        hfmt = type(head)(head)
        hfmt.setSize(hsize0 * scale)
        table.setContentTextFormat(fmt0)
        table.setHeaderTextFormat(hfmt)
        contents = []
        for row in rows:
            out = []
            for spec in row:
                c = QgsTableCell(spec.text)
                if spec.bg:
                    c.setBackgroundColor(QColor(spec.bg))
                if spec.fg or spec.bold:
                    fmt = type(fmt0)(fmt0)
                    if spec.fg:
                        fmt.setColor(QColor(spec.fg))
                    if spec.bold:
                        f = fmt.font()
                        f.setBold(True)
                        fmt.setFont(f)
                    c.setTextFormat(fmt)
                out.append(c)
            contents.append(out)
        table.setTableContents(contents)
        table.recalculateFrameSizes()

    scale = 1.0
    fill(scale)
    while frame is not None and scale > 0.62 and table.totalSize().height() > frame.rect().height():
        scale -= 0.06
        fill(scale)
    return table


# --------------------------------------------------------------------------- map layers


class _Layers:
    """Memory layers made from :class:`ReportData`, styled for the maps."""

    def __init__(
        self,
        data: ReportData,
        project: Any,
        pages: list[Any],
        opts: dict[str, Any],
        warnings: list[str],
    ) -> None:
        from qgis.core import QgsCoordinateReferenceSystem

        self.data, self.project, self.pages, self.warnings = data, project, pages, warnings
        self.crs = (
            QgsCoordinateReferenceSystem.fromWkt(data.crs_wkt)
            if data.crs_wkt
            else (QgsCoordinateReferenceSystem(str(data.run.get("analysis_crs", "EPSG:4326"))))
        )
        self.per_conflict = opts["per_conflict"]
        self.zones = self._zones(opts.get("zones"))
        self.hazard_path, self.hazard = self._hazard(opts.get("hazard_raster"))
        self.heritage = self._heritage()
        self.affected = self._affected()
        self.sites = self._sites()
        self.conflicts = self._conflict_layers()
        self.coverage = self._coverage()
        self.conflict_table = self._conflict_table()
        self.exposure_table = self._exposure_table()
        for lyr in self._all():
            project.addMapLayer(lyr, False)

    def _all(self) -> list[Any]:
        out = [
            *self.conflicts,
            *self.sites,
            self.affected,
            self.heritage,
            self.zones,
            self.hazard,
            self.coverage,
            self.conflict_table,
            self.exposure_table,
        ]
        return [x for x in out if x is not None]

    def map_layers(self) -> list[Any]:
        out = [*self.conflicts, *self.sites, self.affected, self.heritage, self.zones, self.hazard]
        return [x for x in out if x is not None]

    def locator_layers(self) -> list[Any]:
        return [x for x in (self.affected, self.heritage, self.zones, self.hazard) if x is not None]

    def legend_layers(self) -> list[Any]:
        """Conflict lines and outlines share the points' colours: one conflicts entry is enough."""
        out = [
            *self.conflicts[:1],
            *self.sites,
            self.affected,
            self.heritage,
            self.zones,
            self.hazard,
        ]
        return [
            x
            for x in out
            if x is not None and not (hasattr(x, "featureCount") and x.featureCount() == 0)
        ]

    def unlabelled_styles(self) -> dict[str, str]:
        """Style overrides without labels, for the small locator map."""
        from qgis.core import QgsMapLayerStyle

        out = {}
        for lyr in (self.affected, *self.conflicts):
            if lyr is None:
                continue
            lyr.setLabelsEnabled(False)
            style = QgsMapLayerStyle()
            style.readFromLayer(lyr)
            lyr.setLabelsEnabled(True)
            out[lyr.id()] = style.xmlData()
        return out

    def study_extent(self) -> Any:
        from qgis.core import QgsRectangle

        ext = QgsRectangle()
        ext.setMinimal()
        for lyr in (*self.conflicts, *self.sites, self.heritage, self.zones):
            if lyr is not None and lyr.featureCount():
                lyr.updateExtents()
                ext.combineExtentWith(self._in_map_crs(lyr, lyr.extent()))
        if ext.isEmpty() or ext.isNull():
            if self.hazard is not None:
                ext = self._in_map_crs(self.hazard, self.hazard.extent())
            else:
                ext = QgsRectangle(-1, -1, 1, 1)
        w, h = max(ext.width(), 50.0), max(ext.height(), 50.0)
        c = ext.center()
        return QgsRectangle(c.x() - w * 0.56, c.y() - h * 0.56, c.x() + w * 0.56, c.y() + h * 0.56)

    def _in_map_crs(self, lyr: Any, rect: Any) -> Any:
        from qgis.core import QgsCoordinateTransform

        if lyr.crs() == self.crs or not lyr.crs().isValid():
            return rect
        return QgsCoordinateTransform(lyr.crs(), self.crs, self.project).transformBoundingBox(rect)

    # layers -----------------------------------------------------------------
    def _memory(self, geom: str, name: str, fields: list[tuple[str, str]]) -> Any:
        from qgis.core import QgsVectorLayer

        uri = geom if geom == "None" else f"{geom}?crs={self.crs.authid() or 'EPSG:4326'}"
        lyr = QgsVectorLayer(uri, name, "memory")
        if geom != "None" and not self.crs.authid():
            lyr.setCrs(self.crs)
        from qgis.core import QgsField
        from qgis.PyQt.QtCore import QVariant

        types = {"str": QVariant.String, "int": QVariant.LongLong, "float": QVariant.Double}
        lyr.dataProvider().addAttributes([QgsField(n, types[t]) for n, t in fields])
        lyr.updateFields()
        return lyr

    def _add(self, lyr: Any, rows: Sequence[tuple[Any, Sequence[Any]]]) -> None:
        from qgis.core import QgsFeature, QgsGeometry

        feats = []
        for wkb, attrs in rows:
            f = QgsFeature(lyr.fields())
            if wkb:
                g = QgsGeometry()
                g.fromWkb(wkb)
                f.setGeometry(g)
            f.setAttributes(list(attrs))
            feats.append(f)
        lyr.dataProvider().addFeatures(feats)
        lyr.updateExtents()

    def _zones(self, src: str | None) -> Any:
        if not src:
            return None
        from qgis.core import QgsFillSymbol, QgsVectorLayer

        lyr = QgsVectorLayer(src, "Heritage zones", "ogr")
        if not lyr.isValid():
            raise InputError(f"zones layer {src}: not a vector layer QGIS can read")
        sym = QgsFillSymbol.createSimple(
            {
                "color": "0,0,0,0",
                "outline_color": "#6b4f2a",
                "outline_width": "0.5",
                "outline_style": "dash",
            }
        )
        from qgis.core import QgsSingleSymbolRenderer

        lyr.setRenderer(QgsSingleSymbolRenderer(sym))
        name_field = next(
            (f.name() for f in lyr.fields() if f.name().lower() in ("name", "zone", "label")), None
        )
        if name_field:
            _label_layer(lyr, f'"{name_field}"', 6.5, "#6b4f2a", italic=True, perimeter=True)
        return lyr

    def _hazard(self, path: str | None) -> tuple[str | None, Any]:
        from qgis.core import QgsRasterLayer

        hazard_id = None
        inputs = [
            i
            for i in self.data.run.get("inputs", [])
            if str(i.get("role", "")).startswith("hazard:")
        ]
        if path is None:
            first = next(
                (i for i in inputs if Path(str(i.get("path") or i.get("source", ""))).is_file()),
                None,
            )
            if first is None:
                if inputs:
                    self.warnings.append(
                        "the run's hazard rasters are gone; the maps show no hazard layer"
                    )
                return None, None
            path = str(first.get("path") or first.get("source"))
        match = next(
            (i for i in inputs if Path(str(i.get("path", ""))).resolve() == Path(path).resolve()),
            None,
        )
        if match is None and inputs:
            match = inputs[0]
        if match is not None:
            hazard_id = str(match["role"]).split(":", 1)[1].split("@")[0]
        lyr = QgsRasterLayer(path, "Hazard", "gdal")
        if not lyr.isValid():
            raise InputError(f"hazard raster {path}: not a raster QGIS can read")
        hdef = self.data.hazard_def(hazard_id) if hazard_id else None
        _style_hazard(lyr, hdef)
        lyr.setName(_wrap(f"{hdef.label}, {hdef.unit}" if hdef else f"Hazard {Path(path).name}"))
        return path, lyr

    def _heritage(self) -> Any:
        from qgis.core import QgsFillSymbol, QgsSingleSymbolRenderer

        lyr = self._memory(
            "MultiPolygon",
            "Heritage features",
            [("heritage_fid", "int"), ("heritage_id", "str"), ("name", "str"), ("zone", "str")],
        )
        self._add(
            lyr,
            [(h.wkb, [h.fid, h.heritage_id, h.name, h.zone]) for h in self.data.heritage.values()],
        )
        lyr.setRenderer(
            QgsSingleSymbolRenderer(
                QgsFillSymbol.createSimple(
                    {"color": "#efe3c8", "outline_color": "#8c6d46", "outline_width": "0.25"}
                )
            )
        )
        return lyr

    def _affected(self) -> Any:
        from qgis.core import (
            QgsCategorizedSymbolRenderer,
            QgsFillSymbol,
            QgsProperty,
            QgsRendererCategory,
            QgsSymbolLayer,
        )

        lyr = self._memory(
            "MultiPolygon",
            "Affected heritage",
            [("heritage_fid", "int"), ("name", "str"), ("worst_severity", "str")],
        )
        worst: dict[int, Severity] = {}
        for c in self.data.conflicts:
            if c["heritage_fid"] is not None:
                fid = int(c["heritage_fid"])
                if fid not in worst or c.severity.rank > worst[fid].rank:
                    worst[fid] = c.severity
        rows = []
        for fid, sev in worst.items():
            h = self.data.heritage.get(fid)
            if h is not None and h.wkb:
                rows.append((h.wkb, [fid, h.name, sev.value]))
        self._add(lyr, rows)
        cats = []
        for sev in sorted(Severity, key=lambda s: -s.rank):
            color = SEVERITY_COLORS[sev]
            sym = QgsFillSymbol.createSimple(
                {"color": _with_alpha(color, 110), "outline_color": color, "outline_width": "0.6"}
            )
            sym.symbolLayer(0).setDataDefinedProperty(
                QgsSymbolLayer.Property.PropertyStrokeWidth,
                QgsProperty.fromExpression(
                    'CASE WHEN @atlas_feature IS NOT NULL AND "heritage_fid" = '
                    "attribute(@atlas_feature, 'heritage_fid') THEN 1.4 ELSE 0.6 END"
                ),
            )
            cats.append(QgsRendererCategory(sev.value, sym, sev.value))
        lyr.setRenderer(QgsCategorizedSymbolRenderer("worst_severity", cats))
        _label_layer(lyr, '"name"', 7.5, "#2b2b2b", bold=True)
        return lyr

    def _sites(self) -> list[Any]:
        from qgis.core import QgsSymbol, QgsWkbTypes

        groups: dict[str, list[tuple[bytes, list[Any]]]] = {
            "Point": [],
            "LineString": [],
            "Polygon": [],
        }
        from qgis.core import QgsGeometry

        for layer, sid, kind, wkb in self.data.sites:
            g = QgsGeometry()
            g.fromWkb(wkb)
            key = {
                QgsWkbTypes.GeometryType.PointGeometry: "Point",
                QgsWkbTypes.GeometryType.LineGeometry: "LineString",
            }.get(g.type(), "Polygon")
            groups[key].append((wkb, [layer, sid, kind]))
        out = []
        names = {
            "Point": "Sites (points)",
            "LineString": "Sites (lines)",
            "Polygon": "Sites (areas)",
        }
        for geom, rows in groups.items():
            if not rows:
                continue
            lyr = self._memory(
                f"Multi{geom}" if geom != "Point" else "MultiPoint",
                names[geom],
                [("site_layer", "str"), ("site_id", "str"), ("kind", "str")],
            )
            self._add(lyr, rows)
            sym = QgsSymbol.defaultSymbol(lyr.geometryType())
            if geom == "Point":
                sym.setColor(_qcolor("#5a5a5a"))
                sym.setSize(1.6)
            elif geom == "LineString":
                sym.setColor(_qcolor("#5a5a5a"))
                sym.setWidth(0.35)
            else:
                sym.setColor(_qcolor("#c8c8c8"))
            from qgis.core import QgsSingleSymbolRenderer

            lyr.setRenderer(QgsSingleSymbolRenderer(sym))
            out.append(lyr)
        return out

    def _conflict_layers(self) -> list[Any]:
        from qgis.core import (
            QgsCategorizedSymbolRenderer,
            QgsFillSymbol,
            QgsGeometry,
            QgsLineSymbol,
            QgsMarkerSymbol,
            QgsRendererCategory,
            QgsWkbTypes,
        )

        groups: dict[str, list[tuple[bytes, list[Any]]]] = {
            "Point": [],
            "LineString": [],
            "Polygon": [],
        }
        for c in self.data.conflicts:
            if not c.wkb:
                continue
            g = QgsGeometry()
            g.fromWkb(c.wkb)
            key = {
                QgsWkbTypes.GeometryType.PointGeometry: "Point",
                QgsWkbTypes.GeometryType.LineGeometry: "LineString",
            }.get(g.type(), "Polygon")
            groups[key].append(
                (c.wkb, [c["conflict_id"], c["severity"], c["rule_id"], c["site_id"] or ""])
            )
        out = []
        names = {
            "Point": "Conflicts (by severity)",
            "LineString": "Conflicts along lines",
            "Polygon": "Hazard exposure conflicts",
        }
        for geom, rows in groups.items():
            if not rows:
                continue
            lyr = self._memory(
                f"Multi{geom}" if geom != "Point" else "MultiPoint",
                names[geom],
                [
                    ("conflict_id", "str"),
                    ("severity", "str"),
                    ("rule_id", "str"),
                    ("site_id", "str"),
                ],
            )
            self._add(lyr, rows)
            cats = []
            for sev in sorted(Severity, key=lambda s: -s.rank):
                color = SEVERITY_COLORS[sev]
                if geom == "Point":
                    sym = QgsMarkerSymbol.createSimple(
                        {
                            "name": "circle",
                            "color": color,
                            "outline_color": "#ffffff",
                            "outline_width": "0.4",
                            "size": "3.4",
                        }
                    )
                elif geom == "LineString":
                    sym = QgsLineSymbol.createSimple({"color": color, "width": "1.1"})
                else:
                    sym = QgsFillSymbol.createSimple(
                        {
                            "color": "0,0,0,0",
                            "outline_color": color,
                            "outline_width": "0.8",
                            "outline_style": "dash",
                        }
                    )
                cats.append(QgsRendererCategory(sev.value, sym, sev.value))
            lyr.setRenderer(QgsCategorizedSymbolRenderer("severity", cats))
            if geom != "Polygon":
                _label_layer(lyr, '"site_id"', 6.0, "#2b2b2b", offset=True)
            out.append(lyr)
        return out

    def _coverage(self) -> Any:
        from qgis.core import QgsGeometry

        lyr = self._memory(
            "MultiPolygon",
            "Report pages",
            [
                ("key", "str"),
                ("page_number", "int"),
                ("title", "str"),
                ("subtitle", "str"),
                ("heritage_fid", "int"),
                ("heritage_id", "str"),
                ("zone", "str"),
                ("category", "str"),
                ("worst_severity", "str"),
                ("severity_color", "str"),
                ("n_conflicts", "int"),
                ("conflict_ids", "str"),
            ],
        )
        rows = []
        for n, p in enumerate(self.pages):
            geoms = []
            for w in p.wkb_parts:
                g = QgsGeometry()
                g.fromWkb(w)
                if not g.isEmpty():
                    geoms.append(g.buffer(3.0, 4) if g.type() != 2 else g)
            geom = QgsGeometry.unaryUnion(geoms) if geoms else QgsGeometry()
            if not geom.isEmpty():
                geom = QgsGeometry.fromRect(geom.boundingBox())
            bits = []
            if p.heritage_id:
                bits.append(f"heritage id {p.heritage_id}")
            if p.zone:
                bits.append(f"zone {p.zone}")
            if p.category:
                bits.append(f"category {p.category}")
            bits.append(f"{len(p.conflict_ids)} conflict{'s' if len(p.conflict_ids) != 1 else ''}")
            if self.per_conflict:
                bits.append(f"conflict {p.conflict_ids[0]}")
            rows.append(
                (
                    geom.asWkb().data() if not geom.isEmpty() else None,
                    [
                        p.key,
                        n + 1,
                        p.title,
                        " · ".join(bits),
                        p.heritage_fid,
                        p.heritage_id,
                        p.zone,
                        p.category,
                        p.worst.value,
                        SEVERITY_COLORS[p.worst],
                        len(p.conflict_ids),
                        ", ".join(p.conflict_ids),
                    ],
                )
            )
        self._add(lyr, rows)
        from qgis.core import QgsFillSymbol, QgsSingleSymbolRenderer

        lyr.setRenderer(
            QgsSingleSymbolRenderer(
                QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_style": "no"})
            )
        )
        return lyr

    def _conflict_table(self) -> Any:
        from qgis.core import QgsConditionalStyle

        lyr = self._memory(
            "None",
            "Conflicts",
            [
                ("page_key", "str"),
                ("conflict_id", "str"),
                ("severity", "str"),
                ("severity_rank", "int"),
                ("rule_id", "str"),
                ("subject", "str"),
                ("message", "str"),
                ("heritage_fid", "int"),
            ],
        )
        rows = []
        for c in self.data.conflicts:
            key = (
                c["conflict_id"]
                if self.per_conflict
                else (str(int(c["heritage_fid"])) if c["heritage_fid"] is not None else "")
            )
            subject = " ".join(x for x in (c["site_kind"], c["site_id"]) if x)
            if c["hazard"]:
                subject = (
                    (subject + " · " if subject else "")
                    + str(c["hazard"])
                    + (f"@{c['scenario']}" if c["scenario"] else "")
                )
            if c["distance_m"] is not None:
                subject += f" · {float(c['distance_m']):.1f} m"
            rows.append(
                (
                    None,
                    [
                        key,
                        c["conflict_id"],
                        c["severity"],
                        c.severity.rank,
                        c["rule_id"],
                        subject,
                        c["message"],
                        c["heritage_fid"],
                    ],
                )
            )
        self._add(lyr, rows)
        styles = []
        for sev in Severity:
            st = QgsConditionalStyle(f"@value = '{sev.value}'")
            st.setBackgroundColor(_qcolor(SEVERITY_COLORS[sev]))
            st.setTextColor(_qcolor("#ffffff"))
            styles.append(st)
        lyr.conditionalStyles().setFieldStyles("severity", styles)
        return lyr

    def _exposure_table(self) -> Any:
        lyr = self._memory(
            "None",
            "Exposure",
            [
                ("heritage_fid", "int"),
                ("hazard_label", "str"),
                ("mean_text", "str"),
                ("max_text", "str"),
                ("classes_text", "str"),
            ],
        )
        rows = []
        for e in self.data.exposure:
            label = e.label + (f" ({e.scenario})" if e.scenario else "")
            unit = f" {e.unit}" if e.unit else ""
            parts = [
                f"{name} {frac * 100:.0f}%"
                for name, frac in e.classes
                if frac is not None and frac > 0.0005
            ]
            rows.append(
                (
                    None,
                    [
                        e.heritage_fid,
                        label,
                        "" if e.mean is None else f"{e.mean:.2f}{unit}",
                        "" if e.max is None else f"{e.max:.2f}{unit}",
                        " · ".join(parts)
                        + (f"   (worst: {e.worst_class})" if e.worst_class else "")
                        or "no data",
                    ],
                )
            )
        self._add(lyr, rows)
        return lyr


def _wrap(text: str, width: int = 20) -> str:
    """Legend titles wrap at "|" (the templates' legend wrap string)."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "|".join([*lines, line])


def _qcolor(hex_color: str) -> Any:
    from qgis.PyQt.QtGui import QColor

    return QColor(hex_color)


def _with_alpha(hex_color: str, alpha: int) -> str:
    c = _qcolor(hex_color)
    return f"{c.red()},{c.green()},{c.blue()},{alpha}"


def _label_layer(
    lyr: Any,
    expr: str,
    size: float,
    color: str,
    *,
    bold: bool = False,
    italic: bool = False,
    offset: bool = False,
    perimeter: bool = False,
) -> None:
    from qgis.core import (
        QgsPalLayerSettings,
        QgsTextBufferSettings,
        QgsTextFormat,
        QgsVectorLayerSimpleLabeling,
    )
    from qgis.PyQt.QtGui import QFont

    s = QgsPalLayerSettings()
    s.fieldName = expr
    s.isExpression = True
    fmt = QgsTextFormat()
    f = QFont(T.FONT)
    f.setBold(bold)
    f.setItalic(italic)
    fmt.setFont(f)
    fmt.setSize(size)
    fmt.setColor(_qcolor(color))
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setSize(0.8)
    buf.setColor(_qcolor("#ffffff"))
    fmt.setBuffer(buf)
    s.setFormat(fmt)
    if perimeter:
        s.placement = QgsPalLayerSettings.Placement.Line
    if offset:
        s.placement = (
            QgsPalLayerSettings.Placement.OverPoint
            if hasattr(QgsPalLayerSettings.Placement, "OverPoint")
            else s.placement
        )
        s.yOffset = -3.0
    lyr.setLabeling(QgsVectorLayerSimpleLabeling(s))
    lyr.setLabelsEnabled(True)


def _style_hazard(lyr: Any, hdef: Any) -> None:
    from qgis.core import (
        QgsColorRampShader,
        QgsRasterShader,
        QgsSingleBandPseudoColorRenderer,
    )

    ramp = ["#eef5fb", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
    items = []
    if hdef is not None:
        n = len(hdef.classes)
        idx = [round(i * (len(ramp) - 1) / max(n - 1, 1)) for i in range(n)]
        lo = None
        for k, cls in enumerate(hdef.classes):
            top = float("inf") if cls.max is None else float(cls.max)
            if cls.max is None:
                label = f"{cls.name} (> {lo:g} {hdef.unit})" if lo is not None else cls.name
            elif lo is None:
                label = f"{cls.name} (≤ {top:g} {hdef.unit})"
            else:
                label = f"{cls.name} ({lo:g}–{top:g} {hdef.unit})"
            items.append(QgsColorRampShader.ColorRampItem(top, _qcolor(ramp[idx[k]]), label))
            lo = top
    else:
        stats = lyr.dataProvider().bandStatistics(1)
        lo, hi = stats.minimumValue, stats.maximumValue
        for k, col in enumerate(ramp):
            v = lo + (hi - lo) * (k + 1) / len(ramp)
            items.append(QgsColorRampShader.ColorRampItem(v, _qcolor(col), f"≤ {v:.2f}"))
    shader_fn = QgsColorRampShader()
    shader_fn.setColorRampType(QgsColorRampShader.Type.Discrete)
    shader_fn.setColorRampItemList(items)
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(shader_fn)
    renderer = QgsSingleBandPseudoColorRenderer(lyr.dataProvider(), 1, shader)
    renderer.setOpacity(0.55)
    lyr.setRenderer(renderer)
