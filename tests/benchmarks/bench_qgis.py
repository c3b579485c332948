"""QGIS peers, run in their own process by ``bench_tasks.py``: a standalone QgsApplication with
Processing, timed from loading the layers to results in memory (start-up excluded).

This is what a GIS officer would use: ``native:zonalstatisticsfb`` and ``QgsZonalStatistics``
for exposure, ``native:buffer`` + ``native:joinattributesbylocation`` for siting, and a chain
of native algorithms (the Graphical Modeler way) for the whole conflict job.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TASKS: dict[str, Callable[..., dict[str, Any]]] = {}

_APP: Any = None
_CTX: Any = None
_FB: Any = None


def task(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    TASKS[fn.__name__] = fn
    return fn


def _start() -> None:
    global _APP, _CTX, _FB
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback

    _APP = QgsApplication([], False)
    _APP.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    _CTX = QgsProcessingContext()
    _FB = QgsProcessingFeedback()


def _run(alg: str, params: dict[str, Any]) -> dict[str, Any]:
    import processing

    return processing.run(alg, params, context=_CTX, feedback=_FB, is_child_algorithm=True)


def _layer(value: Any) -> Any:
    from qgis.core import QgsProcessingUtils

    return (
        value if not isinstance(value, str) else QgsProcessingUtils.mapLayerFromString(value, _CTX)
    )


def _columns(layer: Any, names: list[str]) -> dict[str, np.ndarray]:
    idx = [layer.fields().indexOf(n) for n in names]
    rows = [[f.attribute(i) for i in idx] for f in layer.getFeatures()]
    out = {}
    for j, n in enumerate(names):
        out[n] = np.array([np.nan if r[j] is None or r[j] == "" else float(r[j]) for r in rows])
    return out


def _vector(path: str) -> Any:
    from qgis.core import QgsVectorLayer

    lyr = QgsVectorLayer(path, os.path.basename(path), "ogr")
    if not lyr.isValid():
        raise RuntimeError(f"QGIS cannot open {path}")
    return lyr


def _raster(path: str) -> Any:
    from qgis.core import QgsRasterLayer

    lyr = QgsRasterLayer(path, os.path.basename(path), "gdal")
    if not lyr.isValid():
        raise RuntimeError(f"QGIS cannot open {path}")
    return lyr


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@task
def qgis_zonalstatisticsfb(raster: str, heritage: str, out: str | None = None) -> dict:
    """``native:zonalstatisticsfb`` (mean, min, max) into a memory layer."""
    _start()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    her, ras = _vector(heritage), _raster(raster)
    res = _run(
        "native:zonalstatisticsfb",
        {
            "INPUT": her,
            "INPUT_RASTER": ras,
            "RASTER_BAND": 1,
            "COLUMN_PREFIX": "_",
            "STATISTICS": [2, 5, 6],
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    cols = _columns(_layer(res["OUTPUT"]), ["_mean", "_min", "_max"])
    wall = time.perf_counter() - t0
    if out:
        np.savez(out, mean=cols["_mean"], min=cols["_min"], max=cols["_max"])
    return {"wall_s": wall, "read_s": 0.0, "n": len(cols["_mean"]), "rss_start_mb": rss0}


@task
def qgis_zonalstatistics(raster: str, heritage: str, out: str | None = None) -> dict:
    """``QgsZonalStatistics`` (mean, min, max) on a memory copy of the layer (it edits in place)."""
    from qgis.analysis import QgsZonalStatistics
    from qgis.core import QgsFeatureRequest

    _start()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    her = _vector(heritage).materialize(QgsFeatureRequest())
    ras = _raster(raster)
    stats = QgsZonalStatistics.Mean | QgsZonalStatistics.Min | QgsZonalStatistics.Max
    zs = QgsZonalStatistics(her, ras, "_", 1, stats)
    rc = zs.calculateStatistics(None)
    if rc != 0:
        raise RuntimeError(f"QgsZonalStatistics failed with code {rc}")
    cols = _columns(her, ["_mean", "_min", "_max"])
    wall = time.perf_counter() - t0
    if out:
        np.savez(out, mean=cols["_mean"], min=cols["_min"], max=cols["_max"])
    return {"wall_s": wall, "read_s": 0.0, "n": len(cols["_mean"]), "rss_start_mb": rss0}


def _join_count(sites: Any, heritage: Any, distance: float) -> int:
    """Sites within ``distance`` of heritage: buffer (8 segments a quarter) + join by location."""
    join = heritage
    if distance > 0:
        join = _run(
            "native:buffer",
            {
                "INPUT": heritage,
                "DISTANCE": distance,
                "SEGMENTS": 8,
                "DISSOLVE": False,
                "OUTPUT": "TEMPORARY_OUTPUT",
            },
        )["OUTPUT"]
    res = _run(
        "native:joinattributesbylocation",
        {
            "INPUT": sites,
            "JOIN": join,
            "PREDICATE": [0],
            "METHOD": 0,
            "DISCARD_NONMATCHING": True,
            "PREFIX": "h_",
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    return int(_layer(res["OUTPUT"]).featureCount())


@task
def qgis_siting(sites: str, heritage: str, distance: float) -> dict:
    """``native:buffer`` on heritage then ``native:joinattributesbylocation`` (intersects)."""
    _start()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    n = _join_count(_vector(sites), _vector(heritage), distance)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "read_s": 0.0, "pairs": n, "rss_start_mb": rss0}


def _extract(layer: Any, expression: str) -> Any:
    return _run(
        "native:extractbyexpression",
        {"INPUT": layer, "EXPRESSION": expression, "OUTPUT": "TEMPORARY_OUTPUT"},
    )["OUTPUT"]


@task
def qgis_job(raster: str, heritage: str, sites: str, conduits: str, rules: str) -> dict:
    """The benchmark rules as a chain of native algorithms (what the Graphical Modeler builds):
    three siting rules (extract, buffer, join), heritage exposure (zonal statistics, reclassify,
    zonal histogram, extract) and site hazard (sample raster values, extract)."""
    _start()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    her, pts, lns, ras = _vector(heritage), _vector(sites), _vector(conduits), _raster(raster)
    counts: dict[str, int] = {}
    s1 = _extract(pts, "\"kind\" IN ('5g_small_cell', 'smart_pole')")
    h1 = _extract(her, "\"zone\" = 'core'")
    counts["cell-in-core"] = _join_count(s1, h1, 0.0)
    s2 = _extract(pts, "\"kind\" IN ('street_cabinet', 'ev_charger')")
    h2 = _extract(her, "\"category\" = 'I'")
    counts["cabinet-near-grade-i"] = _join_count(s2, h2, 5.0)
    h3 = _extract(her, "\"category\" IN ('I', 'II')")
    counts["fibre-trench"] = _join_count(lns, h3, 2.0)
    # exposure table and rule
    _run(
        "native:zonalstatisticsfb",
        {
            "INPUT": her,
            "INPUT_RASTER": ras,
            "RASTER_BAND": 1,
            "COLUMN_PREFIX": "flood_",
            "STATISTICS": [2, 5, 6],
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    big = 1e12
    cls = _run(
        "native:reclassifybytable",
        {
            "INPUT_RASTER": ras,
            "RASTER_BAND": 1,
            "TABLE": [-big, 0.2, 0, 0.2, 0.5, 1, 0.5, 1.0, 2, 1.0, big, 3],
            "NO_DATA": 255,
            "RANGE_BOUNDARIES": 0,  # min < value <= max, as the rules
            "NODATA_FOR_MISSING": True,
            "DATA_TYPE": 0,  # Byte
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    hist = _run(
        "native:zonalhistogram",
        {
            "INPUT_RASTER": cls,
            "RASTER_BAND": 1,
            "INPUT_VECTOR": her,
            "COLUMN_PREFIX": "HISTO_",
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    c = [f'coalesce("HISTO_{k}", 0)' for k in range(4)]
    expo = _extract(
        hist, f"({c[2]} + {c[3]}) >= 0.25 * ({' + '.join(c)}) AND ({c[2]} + {c[3]}) > 0"
    )
    counts["heritage-flood"] = int(_layer(expo).featureCount())
    # site hazard (points; the chain has no equivalent of the engine's line maximum)
    sampled = _run(
        "native:rastersampling",
        {"INPUT": pts, "RASTERCOPY": ras, "COLUMN_PREFIX": "flood_", "OUTPUT": "TEMPORARY_OUTPUT"},
    )["OUTPUT"]
    flooded = _extract(sampled, '"flood_1" > 0.5')  # class high or worse
    counts["site-flooded"] = int(_layer(flooded).featureCount())
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "read_s": 0.0, "conflicts": counts, "rss_start_mb": rss0}
