"""The analysis as a ``QgsTask``: everything it needs is copied in before it starts.

``run()`` works on a worker thread and touches no layer, project or widget: it reads the
feature-source snapshots, runs the engine, carries the review over and writes the
GeoPackage atomically. ``finished()`` runs on the main thread and only emits ``done``.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsMessageLog, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..core.errors import CancelledError, HeritagePlannerError
from .adapters import VectorSnapshot
from .i18n import tr

LOG_TAG = "Heritage Planner"


@dataclass
class RunPlan:
    """A run, fully prepared on the main thread."""

    run_name: str
    out_path: Path
    heritage: VectorSnapshot
    sites: list[VectorSnapshot]
    hazards: list[Any]  # core.raster.HazardInput, paths only
    rules_path: str | None  # None: built-in default
    heritage_layer_id: str = ""
    site_layer_ids: dict[str, str] = field(default_factory=dict)  # engine layer name -> layer id


@dataclass
class RunOutcome:
    path: Path
    results: Any  # gui.results.ResultsData
    warnings: list[str]
    new: list[str]
    kept: list[str]
    resolved: list[str]
    elapsed_s: float


def stage_text(text: str) -> str:
    """The engine's progress stages (plain English, no Qt in core) in the user's language."""
    import re

    fixed = {
        "reading inputs": tr("reading inputs"),
        "checking siting rules": tr("checking siting rules"),
        "checking hazard rules": tr("checking hazard rules"),
        "done": tr("done"),
    }
    if text in fixed:
        return fixed[text]
    m = re.fullmatch(r"exposure to (.+)", text)
    if m:
        return tr("exposure to {hazard}").format(hazard=m[1])
    m = re.fullmatch(r"site hazard (.+) × (.+)", text)
    if m:
        return tr("site hazard {layer} × {hazard}").format(layer=m[1], hazard=m[2])
    return text


class _BackgroundTask(QgsTask):
    """A QgsTask whose ``work()`` runs on a fresh Python thread (see core.threads) and never
    lets an exception reach QGIS: it ends as ``error`` (one line) plus ``details`` for the log,
    or as ``was_cancelled``. ``finished()`` (main thread) logs and emits ``done``."""

    done = pyqtSignal(bool)

    def __init__(self, description: str) -> None:
        super().__init__(description, QgsTask.Flag.CanCancel)
        self.error: str = ""
        self.details: str = ""
        self.was_cancelled = False

    def work(self) -> None:  # worker thread; raise to fail
        raise NotImplementedError

    def run(self) -> bool:  # worker thread
        from ..qgis_utils import run_in_python_thread

        try:
            run_in_python_thread(self.work)
            return True
        except CancelledError:
            self.was_cancelled = True
        except HeritagePlannerError as exc:
            self.error = str(exc)
        except Exception as exc:  # never let an exception reach QGIS
            self.error = tr("unexpected error: {exc}").format(exc=f"{type(exc).__name__}: {exc}")
            self.details = "".join(traceback.format_exception(exc))
        return False

    def finished(self, result: bool) -> None:  # main thread
        if not result and self.isCanceled():
            self.was_cancelled = True
        if self.error:
            QgsMessageLog.logMessage(
                self.error + ("\n" + self.details if self.details else ""),
                LOG_TAG,
                Qgis.MessageLevel.Critical,
            )
        self.done.emit(bool(result))


class AnalysisTask(_BackgroundTask):
    """One analysis run in the background; connect to ``done`` and ``statusChanged``."""

    statusChanged = pyqtSignal(str)  # noqa: N815 - Qt naming

    def __init__(self, plan: RunPlan) -> None:
        super().__init__(tr("Heritage Planner: {name}").format(name=plan.run_name))
        self.plan = plan
        self.outcome: RunOutcome | None = None
        self._last_text = ""

    def _progress(self, frac: float, text: str) -> None:
        self.setProgress(max(0.0, min(100.0, 100.0 * frac)))
        if text != self._last_text:
            self._last_text = text
            self.statusChanged.emit(stage_text(text))

    def work(self) -> None:  # worker thread
        import time

        from ..core.engine import AnalysisRequest, run_analysis
        from ..core.output import write_results
        from ..core.review import carry_over
        from .results import read_results

        t0 = time.time()
        plan = self.plan
        self._progress(0.0, tr("reading layers"))
        heritage = plan.heritage.read(self.isCanceled)
        sites = [s.read(self.isCanceled) for s in plan.sites]
        request = AnalysisRequest(
            heritage=heritage, sites=sites, hazards=list(plan.hazards), rules=plan.rules_path
        )
        result = run_analysis(request, progress=self._progress, is_cancelled=self.isCanceled)
        rec = carry_over(plan.out_path, result.conflicts)
        self._progress(1.0, tr("writing results"))
        write_results(
            result, plan.out_path, overwrite=True, review=rec.rows, is_cancelled=self.isCanceled
        )
        data = read_results(plan.out_path)
        self.outcome = RunOutcome(
            path=plan.out_path,
            results=data,
            warnings=list(result.warnings),
            new=rec.new,
            kept=rec.kept,
            resolved=rec.resolved,
            elapsed_s=time.time() - t0,
        )


class ReportTask(_BackgroundTask):
    """``heritage_planner.layouts.report.build_report`` in the background."""

    def __init__(
        self, results_gpkg: str, out_pdf: str, *, options: dict[str, Any] | None = None
    ) -> None:
        from qgis.core import QgsFeedback

        super().__init__(tr("Heritage Planner: PDF report"))
        self.results_gpkg = results_gpkg
        self.out_pdf = out_pdf
        self.options = dict(options or {})  # plain values, copied before the task starts
        self.feedback = QgsFeedback()
        self.feedback.progressChanged.connect(self.setProgress)

    def cancel(self) -> None:
        self.feedback.cancel()
        super().cancel()

    def work(self) -> None:  # worker thread
        from ..layouts.report import build_report

        build_report(
            self.results_gpkg,
            self.out_pdf,
            **self.options,
            feedback=self.feedback,
            is_cancelled=self.isCanceled,
        )
        if self.feedback.isCanceled():
            raise CancelledError()
