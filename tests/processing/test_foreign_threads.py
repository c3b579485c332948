"""The engine survives being called twice on the same reused Qt worker thread.

QGIS runs QgsTask and background Processing algorithms on reused QThreadPool threads; without
the engine's hop onto a Python thread, exactextract segfaults on the second run there.
"""

from __future__ import annotations

import numpy as np
import shapely
from hp_data import write_raster, write_vector
from qgis.PyQt.QtCore import QRunnable, QThreadPool

from heritage_planner.core.engine import AnalysisRequest, run_analysis
from heritage_planner.core.raster import HazardInput


class _Job(QRunnable):
    def __init__(self, request, box):
        super().__init__()
        self.request, self.box = request, box

    def run(self):
        try:
            res = run_analysis(self.request)
            self.box.append(len(res.conflicts))
        except BaseException as exc:
            self.box.append(exc)


def test_run_analysis_twice_on_one_reused_pool_thread(tmp_path):
    her = [shapely.box(0, 0, 20, 20), shapely.box(30, 30, 45, 48)]
    write_vector(
        tmp_path / "h.gpkg",
        her,
        {"hid": ["a", "b"], "name": ["A", "B"], "zone": ["core", "core"], "category": ["I", "II"]},
    )
    write_vector(
        tmp_path / "s.gpkg",
        [shapely.Point(5, 5), shapely.LineString([(0, 25), (50, 25)])],
        {"sid": ["p", "l"], "kind": ["smart_pole", "fibre_conduit"]},
    )
    write_raster(
        tmp_path / "f.tif",
        np.linspace(0, 2, 25, dtype="float32").reshape(5, 5),
        origin=(0, 50),
        res=(10, 10),
    )
    req = AnalysisRequest(
        str(tmp_path / "h.gpkg"),
        [str(tmp_path / "s.gpkg")],
        [HazardInput("flood", str(tmp_path / "f.tif"))],
    )
    expected = len(run_analysis(req).conflicts)
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    pool.setExpiryTimeout(-1)  # keep the one thread: every job reuses it
    box: list = []
    for _ in range(3):
        pool.start(_Job(req, box))
        assert pool.waitForDone(120_000)
    assert box == [expected] * 3


def test_run_analysis_in_qgstasks_twice(tmp_path, qgis_app, qtbot):
    from qgis.core import QgsApplication, QgsTask

    her = [shapely.box(0, 0, 20, 20)]
    write_vector(
        tmp_path / "h.gpkg", her, {"hid": ["a"], "name": ["A"], "zone": ["core"], "category": ["I"]}
    )
    write_raster(
        tmp_path / "f.tif",
        np.linspace(0, 2, 25, dtype="float32").reshape(5, 5),
        origin=(0, 50),
        res=(10, 10),
    )
    req = AnalysisRequest(
        str(tmp_path / "h.gpkg"), [], [HazardInput("flood", str(tmp_path / "f.tif"))]
    )
    results: list = []

    class Task(QgsTask):
        def run(self):
            try:
                results.append(run_analysis(req).exposure[0].stats.frac_class[0].sum())
                return True
            except BaseException as exc:  # reported by the assertion below
                results.append(exc)
                return False

    tasks = []
    for i in range(4):
        t = Task(f"hp {i}", QgsTask.Flag.CanCancel)
        tasks.append(t)
        QgsApplication.taskManager().addTask(t)
        qtbot.waitUntil(lambda n=i: len(results) == n + 1, timeout=60_000)
    assert len(results) == 4 and all(abs(r - 1.0) < 1e-9 for r in results), results


def test_processing_algorithm_twice_in_background_tasks(hp_provider, sample, qtbot, clean_project):
    """What the Processing dialog does: QgsProcessingAlgRunnerTask on the task manager's pool."""
    from qgis.core import (
        QgsApplication,
        QgsProcessingAlgRunnerTask,
        QgsProcessingContext,
        QgsProcessingFeedback,
    )

    done: list = []
    keep = []
    for _ in range(3):
        alg = QgsApplication.processingRegistry().createAlgorithmById(
            "heritage_planner:hazardexposure"
        )
        ctx, fb = QgsProcessingContext(), QgsProcessingFeedback()
        params = {
            "HERITAGE": str(sample["heritage"]),
            "HAZARDS": [str(sample["flood"])],
            "HAZARD_IDS": "flood",
            "EXPOSURE": "TEMPORARY_OUTPUT",
        }
        task = QgsProcessingAlgRunnerTask(alg, params, ctx, fb)
        task.executed.connect(lambda ok, res: done.append(ok))
        keep.append((alg, ctx, fb, task))
        n = len(done)
        QgsApplication.taskManager().addTask(task)
        qtbot.waitUntil(lambda n=n: len(done) == n + 1, timeout=60_000)
    assert done == [True, True, True]
