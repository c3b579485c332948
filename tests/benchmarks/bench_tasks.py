"""One benchmark measurement per process: ``python bench_tasks.py TASK JSON_ARGS``.

Each task imports what it needs, then times the work from reading the input files to results
in memory (interpreter start-up and imports excluded), and prints one JSON line:
``{"wall_s": ..., "read_s": ..., ...}``. Peak RSS is taken by the parent from the finished
process (``os.wait4``), so no measurement inherits another's memory. Per-feature results go to
an ``.npz`` (written after the clock stops) for the equality checks.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
# HP_BENCH_ENGINE=/path/to/a/copy puts a candidate engine patch first (to measure it side by side)
if os.environ.get("HP_BENCH_ENGINE"):
    sys.path.insert(0, os.environ["HP_BENCH_ENGINE"])

TASKS: dict[str, Callable[..., dict[str, Any]]] = {}


def task(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    TASKS[fn.__name__] = fn
    return fn


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _save(path: str | None, **arrays: np.ndarray) -> None:
    if path:
        np.savez(path, **arrays)


def _fracs(frac_class: np.ndarray) -> np.ndarray:
    return np.asarray(frac_class, dtype="float64")


def _warm_engine_imports() -> None:
    """Import what the engine imports lazily, so no tool's clock counts module loading."""
    import rasterio  # noqa: F401
    import rasterio.windows  # noqa: F401
    from exactextract import exact_extract  # noqa: F401
    from osgeo import gdal, ogr  # noqa: F401


# --- exposure ---------------------------------------------------------------------------------


@task
def exposure_engine(raster: str, heritage: str, rules: str, out: str | None = None) -> dict:
    """The engine: read the layer, then ``polygon_exposure`` (exactextract coverage + numpy)."""
    from heritage_planner.core.exposure import polygon_exposure
    from heritage_planner.core.geo import reproject
    from heritage_planner.core.raster import raster_info
    from heritage_planner.core.rules import load_rules
    from heritage_planner.core.vector import read_vector

    hz = load_rules(rules).hazards["flood"]
    _warm_engine_imports()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    data = read_vector(heritage)
    info = raster_info(raster)
    geoms = reproject(data.geoms, data.crs, info.crs)
    t_read = time.perf_counter() - t0
    st = polygon_exposure(raster, info, geoms, hz)
    wall = time.perf_counter() - t0
    _save(out, mean=st.mean, min=st.min, max=st.max, frac=_fracs(st.frac_class))
    return {"wall_s": wall, "read_s": t_read, "n": len(geoms), "rss_start_mb": rss0}


@task
def exposure_exactextract(
    raster: str, classes: str, heritage: str, rules: str, out: str | None = None
) -> dict:
    """exactextract called directly: mean/min/max on the depths, frac (+unique) on the classes."""
    from exactextract import exact_extract
    from exactextract.feature import GDALFeatureSource
    from exactextract.operation import Operation
    from exactextract.raster import GDALRasterSource
    from osgeo import gdal, ogr

    gdal.UseExceptions()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    vds = ogr.Open(heritage)
    vec = GDALFeatureSource(vds.GetLayer(0))
    # distinct names: exactextract 0.3 shares results between sources of the same name
    hz = GDALRasterSource(gdal.Open(raster), name="depth")
    cls = GDALRasterSource(gdal.Open(classes), name="cls")
    ops = [
        Operation("mean", "mean", hz),
        Operation("min", "min", hz),
        Operation("max", "max", hz),
        Operation("unique", "cls", cls),
        Operation("frac", "frac", cls),
    ]
    res = exact_extract(hz, vec, ops, output="geojson")
    n = len(res)
    mean, mn, mx = (
        np.array([f["properties"][k] for f in res], dtype="float64") for k in ("mean", "min", "max")
    )
    frac = np.zeros((n, 4))
    for i, f in enumerate(res):
        p = f["properties"]
        frac[i, np.asarray(p["cls"], dtype="int64")] = p["frac"]
    wall = time.perf_counter() - t0
    _save(out, mean=mean, min=mn, max=mx, frac=frac)
    return {"wall_s": wall, "read_s": 0.0, "n": n, "rss_start_mb": rss0}


@task
def exposure_rasterstats(raster: str, heritage: str, out: str | None = None) -> dict:
    """rasterstats ``zonal_stats`` (cell centres; mean/min/max only: no class fractions)."""
    from rasterstats import zonal_stats

    rss0 = _rss_mb()
    t0 = time.perf_counter()
    res = zonal_stats(heritage, raster, layer="heritage", stats=["mean", "min", "max"])
    mean, mn, mx = (
        np.array([np.nan if r[k] is None else r[k] for r in res], dtype="float64")
        for k in ("mean", "min", "max")
    )
    wall = time.perf_counter() - t0
    _save(out, mean=mean, min=mn, max=mx)
    return {"wall_s": wall, "read_s": 0.0, "n": len(res), "rss_start_mb": rss0}


# --- siting -----------------------------------------------------------------------------------


@task
def siting_engine(sites: str, heritage: str, distance: float) -> dict:
    """The engine's ``pairs_within`` (STRtree dwithin + exact distances, sorted pairs)."""
    from heritage_planner.core.siting import pairs_within
    from heritage_planner.core.vector import read_vector

    _warm_engine_imports()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    s, h = read_vector(sites), read_vector(heritage)
    t_read = time.perf_counter() - t0
    si, hi, d = pairs_within(s.geoms, h.geoms, distance)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "read_s": t_read, "pairs": len(si), "rss_start_mb": rss0}


@task
def siting_strtree(sites: str, heritage: str, distance: float) -> dict:
    """Bare shapely 2: one STRtree bulk ``dwithin`` query (same reader as the engine)."""
    import shapely

    from heritage_planner.core.vector import read_vector

    _warm_engine_imports()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    s, h = read_vector(sites), read_vector(heritage)
    t_read = time.perf_counter() - t0
    tree = shapely.STRtree(h.geoms)
    pairs = tree.query(s.geoms, predicate="dwithin", distance=distance)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "read_s": t_read, "pairs": int(pairs.shape[1]), "rss_start_mb": rss0}


# --- whole job --------------------------------------------------------------------------------


@task
def job_engine(raster: str, heritage: str, sites: str, conduits: str, rules: str) -> dict:
    """``run_analysis``: exposure, site hazard and every rule, from the files to conflicts."""
    from heritage_planner.core.engine import AnalysisRequest, run_analysis
    from heritage_planner.core.raster import HazardInput

    _warm_engine_imports()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    req = AnalysisRequest(
        heritage=heritage,
        sites=[sites, conduits],
        hazards=[HazardInput("flood", raster)],
        rules=rules,
    )
    res = run_analysis(req)
    wall = time.perf_counter() - t0
    return {
        "wall_s": wall,
        "read_s": 0.0,
        "conflicts": res.counts_by_rule(),
        "rss_start_mb": rss0,
    }


def _vmhwm_mb() -> float | None:
    """This process's peak resident set since it exec'd (Linux ``VmHWM``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def main(argv: list[str]) -> int:
    name, args = argv[1], json.loads(argv[2])
    if name.startswith("qgis_"):
        import bench_qgis

        fn = bench_qgis.TASKS[name]
    else:
        fn = TASKS[name]
    profile = os.environ.get("HP_BENCH_PROFILE")
    if profile:
        from pyinstrument import Profiler

        prof = Profiler(interval=0.005)
        prof.start()
        out = fn(**args)
        prof.stop()
        Path(profile).write_text(prof.output_text(unicode=False, color=False, show_all=False))
    else:
        out = fn(**args)
    out["vmhwm_mb"] = _vmhwm_mb()
    print(json.dumps(out), flush=True)
    if name.startswith("qgis_"):
        # skip QGIS teardown: the measurement is done, and exitQgis with live layers can crash
        sys.stderr.flush()
        os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
