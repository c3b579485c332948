"""Benchmarks of the engine side by side with exactextract, QGIS's native algorithms and
rasterstats, on the same synthetic files in one run.

    .venv/bin/python tests/benchmarks/run.py --scale quick|large [--runs 3] [--only exposure,...]

Every measurement is a fresh process (``bench_tasks.py``); its peak RSS comes from the kernel
when it ends. Writes ``build/bench/results.json``, the generated part of ``docs/benchmarks.md``
and ``docs/img/bench-scaling.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import bench_data  # noqa: E402
import bench_report  # noqa: E402

PY = sys.executable
GROUPS = ("exposure", "siting", "job", "memory")

#: sizes per scale: rasters are n x n cells over the same 16.384 km square (so more cells per
#: polygon as n grows); feature and site counts as named
SCALES: dict[str, dict[str, Any]] = {
    # a smoke test of the harness itself, in about a minute
    "smoke": {
        "exposure": [(512, 200), (1024, 200), (1024, 400)],
        "siting": [(400, 2000), (400, 5000)],
        "job": [(512, 400, 2000)],
        "memory": [(1024, 400)],
        "peer_budget_s": 10.0,
    },
    "quick": {
        "exposure": [(1024, 1000), (2048, 1000), (4096, 1000), (2048, 4000)],
        "siting": [(4000, 10_000), (4000, 100_000)],
        "job": [(2048, 4000, 10_000)],
        "memory": [(8192, 4000)],
        "peer_budget_s": 40.0,
    },
    "large": {
        "exposure": [
            (2048, 10_000),
            (8192, 10_000),
            (16384, 1000),
            (16384, 10_000),
            (16384, 50_000),
        ],
        "siting": [(50_000, 10_000), (50_000, 100_000), (50_000, 1_000_000)],
        "job": [(8192, 10_000, 100_000), (16384, 50_000, 1_000_000)],
        "memory": [(20000, 50_000)],
        "peer_budget_s": 600.0,
    },
}
SITING_DISTANCE = 5.0
EXPOSURE_TOOLS = (
    "engine",
    "exactextract",
    "qgis_zonalstatisticsfb",
    "qgis_zonalstatistics",
    "rasterstats",
)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def measure(name: str, args: dict[str, Any], *, profile: str | None = None) -> dict[str, Any]:
    """Run one task in a fresh process: its JSON line, plus the process's own peak RSS from
    ``wait4`` (rusage of that child alone, so nothing leaks between measurements)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    if profile:
        env["HP_BENCH_PROFILE"] = profile
    t0 = time.perf_counter()
    out_path = REPO / "build" / "bench" / "tmp" / f"{os.getpid()}-{name}.out"
    err_path = out_path.with_suffix(".err")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb") as fo, open(err_path, "wb") as fe:
        proc = subprocess.Popen(
            [PY, str(HERE / "bench_tasks.py"), name, json.dumps(args)],
            stdout=fo,
            stderr=fe,
            env=env,
            cwd=REPO,
        )
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    out = out_path.read_text(errors="replace")
    err = err_path.read_text(errors="replace")
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = [ln for ln in err.strip().splitlines() if "XDG_RUNTIME_DIR" not in ln][-3:]
        return {"error": f"exit {proc.returncode}: {' | '.join(tail)}"}
    res = json.loads(lines[-1])
    res["process_s"] = round(wall, 4)
    # the child's own VmHWM (reset by exec): ru_maxrss also counts the parent's pages while
    # the child shares them between spawn and exec (vfork), which inflated big-data runs
    hwm = res.pop("vmhwm_mb", None)
    res["peak_rss_mb"] = hwm if hwm is not None else round(ru.ru_maxrss / 1024, 1)
    return res


class Bench:
    def __init__(self, scale: str, runs: int, only: set[str], profile: bool) -> None:
        self.scale, self.runs, self.only, self.profile = scale, runs, only, profile
        self.cfg = SCALES[scale]
        self.out = REPO / "build" / "bench"
        self.data = bench_data.DataCache(self.out / "data", log=log)
        self.tmp = self.out / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.measurements: list[dict[str, Any]] = []
        self.checks: list[dict[str, Any]] = []
        self.profiles: dict[str, str] = {}

    def series(
        self, group: str, config: dict[str, Any], tools: dict[str, tuple[str, dict]]
    ) -> None:
        """``runs`` rounds over all tools (interleaved, so load from others spreads evenly)."""
        label = ", ".join(f"{k}={v}" for k, v in config.items())
        recs = {
            t: {"group": group, "config": config, "tool": t, "task": tools[t][0], "runs": []}
            for t in tools
        }
        skip: set[str] = set()
        for r in range(self.runs):
            for tool, (task, args) in tools.items():
                if tool in skip:
                    continue
                res = measure(task, args)
                recs[tool]["runs"].append(res)
                if "error" in res:
                    log(f"  {group} [{label}] {tool}: {res['error']}")
                    skip.add(tool)
                    continue
                log(
                    f"  {group} [{label}] {tool} run {r + 1}: {res['wall_s']:.3f} s, peak {res['peak_rss_mb']:.0f} MB"
                )
                if tool != "engine" and res["wall_s"] > self.cfg["peer_budget_s"]:
                    skip.add(tool)  # too slow for repeats at this scale: one run, marked
                # outputs are compared once, on the first run
                args.pop("out", None)
        for rec in recs.values():
            ok = [x for x in rec["runs"] if "error" not in x]
            if ok:
                rec["median_s"] = round(statistics.median(x["wall_s"] for x in ok), 4)
                rec["min_s"] = round(min(x["wall_s"] for x in ok), 4)
                rec["max_s"] = round(max(x["wall_s"] for x in ok), 4)
                rec["peak_rss_mb"] = max(x["peak_rss_mb"] for x in ok)
                rec["n_runs"] = len(ok)
            else:
                rec["error"] = rec["runs"][0].get("error") if rec["runs"] else "not run"
            self.measurements.append(rec)

    # --- groups -------------------------------------------------------------------------------

    def exposure(self) -> None:
        rules = str(self.data.rules())
        for n, f in self.cfg["exposure"]:
            flood, classes = (str(p) for p in self.data.raster(n))
            her = str(self.data.heritage(f))
            key = f"{n}-{f}"
            outs = {t: str(self.tmp / f"exposure-{key}-{t}.npz") for t in EXPOSURE_TOOLS}
            tools = {
                "engine": (
                    "exposure_engine",
                    {"raster": flood, "heritage": her, "rules": rules, "out": outs["engine"]},
                ),
                "exactextract": (
                    "exposure_exactextract",
                    {
                        "raster": flood,
                        "classes": classes,
                        "heritage": her,
                        "rules": rules,
                        "out": outs["exactextract"],
                    },
                ),
                "qgis_zonalstatisticsfb": (
                    "qgis_zonalstatisticsfb",
                    {"raster": flood, "heritage": her, "out": outs["qgis_zonalstatisticsfb"]},
                ),
                "qgis_zonalstatistics": (
                    "qgis_zonalstatistics",
                    {"raster": flood, "heritage": her, "out": outs["qgis_zonalstatistics"]},
                ),
                "rasterstats": (
                    "exposure_rasterstats",
                    {"raster": flood, "heritage": her, "out": outs["rasterstats"]},
                ),
            }
            self.series("exposure", {"raster": n, "cells": n * n, "features": f}, tools)
            self.checks.append(compare(key, n, f, outs))
            for p in outs.values():
                Path(p).unlink(missing_ok=True)
            if self.profile and (n, f) == self.cfg["exposure"][-1]:
                self.profiles["exposure_engine"] = self.run_profile(
                    "exposure_engine", {"raster": flood, "heritage": her, "rules": rules}
                )

    def siting(self) -> None:
        for nh, ns in self.cfg["siting"]:
            her = str(self.data.heritage(nh))
            sites, _ = (str(p) for p in self.data.sites(ns, nh))
            args = {"sites": sites, "heritage": her, "distance": SITING_DISTANCE}
            tools = {
                "engine": ("siting_engine", dict(args)),
                "shapely_strtree": ("siting_strtree", dict(args)),
                "qgis_buffer_join": ("qgis_siting", dict(args)),
            }
            self.series(
                "siting", {"features": nh, "sites": ns, "distance_m": SITING_DISTANCE}, tools
            )
        if self.profile:
            self.profiles["siting_engine"] = self.run_profile("siting_engine", args)

    def job(self) -> None:
        rules = str(self.data.rules())
        for n, nh, ns in self.cfg["job"]:
            flood, _ = (str(p) for p in self.data.raster(n))
            her = str(self.data.heritage(nh))
            sites, conduits = (str(p) for p in self.data.sites(ns, nh))
            args = {
                "raster": flood,
                "heritage": her,
                "sites": sites,
                "conduits": conduits,
                "rules": rules,
            }
            tools = {"engine": ("job_engine", dict(args)), "qgis_chain": ("qgis_job", dict(args))}
            self.series("job", {"raster": n, "cells": n * n, "features": nh, "sites": ns}, tools)
        if self.profile:
            self.profiles["job_engine"] = self.run_profile("job_engine", args)

    def memory(self) -> None:
        rules = str(self.data.rules())
        for n, nh in self.cfg["memory"]:
            flood, _ = (str(p) for p in self.data.raster(n))
            her = str(self.data.heritage(nh, huge=True))
            args = {"raster": flood, "heritage": her, "rules": rules}
            cfg = {"raster": n, "cells": n * n, "features": nh + 5, "huge_polygons": 3}
            self.series("memory", cfg, {"engine": ("exposure_engine", args)})
            if self.profile:
                self.profiles["memory_engine"] = self.run_profile("exposure_engine", args)

    def run_profile(self, task: str, args: dict[str, Any]) -> str:
        path = self.out / f"profile-{task}-{self.scale}.txt"
        log(f"  profiling {task} (pyinstrument) -> {path.relative_to(REPO)}")
        res = measure(task, dict(args, out=None), profile=str(path))
        return str(path.relative_to(REPO)) if "error" not in res else res["error"]


def compare(key: str, n: int, f: int, outs: dict[str, str]) -> dict[str, Any]:
    """Largest differences of each tool's per-feature results from the engine's."""

    def load(t: str) -> dict[str, np.ndarray] | None:
        p = Path(outs[t])
        return dict(np.load(p)) if p.exists() else None

    eng = load("engine")
    res: dict[str, Any] = {"raster": n, "features": f, "vs_engine": {}}
    if eng is None:
        return res
    for t in EXPOSURE_TOOLS[1:]:
        o = load(t)
        if o is None:
            continue
        d: dict[str, Any] = {}
        for k in ("mean", "min", "max", "frac"):
            if k in o:
                a, b = eng[k], o[k]
                both = ~(np.isnan(a) | np.isnan(b))
                diff = np.abs(a[both] - b[both])
                d[f"{k}_max_abs"] = float(diff.max()) if diff.size else 0.0
                d[f"{k}_mean_abs"] = float(diff.mean()) if diff.size else 0.0
                d[f"{k}_missing"] = int((np.isnan(a) != np.isnan(b)).sum())
        res["vs_engine"][t] = d
    return res


def machine_info() -> dict[str, Any]:
    cpu = ""
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0.0
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "loadavg_start": list(os.getloadavg()),
    }


def versions() -> dict[str, str]:
    code = (
        "import json, numpy, shapely, rasterio, exactextract, pyproj;"
        "from osgeo import gdal;"
        "d = dict(numpy=numpy.__version__, shapely=shapely.__version__, geos=shapely.geos_version_string,"
        " rasterio=rasterio.__version__, gdal=gdal.__version__, exactextract=exactextract.__version__,"
        " pyproj=pyproj.__version__)\n"
        "try:\n import rasterstats, fiona; d.update(rasterstats=rasterstats.__version__, fiona=fiona.__version__)\n"
        "except ImportError: pass\n"
        "from qgis.core import Qgis; d['qgis'] = Qgis.version()\n"
        "import heritage_planner; d['heritage_planner'] = heritage_planner.__version__\n"
        "print(json.dumps(d))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, env=env, cwd=REPO)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": out.stderr.strip()[-300:]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=sorted(SCALES), default="quick")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median reported)")
    ap.add_argument("--only", default=",".join(GROUPS), help=f"comma list of {', '.join(GROUPS)}")
    ap.add_argument("--profile", action="store_true", help="also profile the engine (pyinstrument)")
    ap.add_argument(
        "--report-only", action="store_true", help="redo table and chart from results.json"
    )
    ap.add_argument("--results", default="build/bench/results.json", help="results file to write")
    ap.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md and the chart")
    a = ap.parse_args(argv)
    results_path = REPO / a.results
    if a.report_only:
        results = json.loads(results_path.read_text())
    else:
        only = {g.strip() for g in a.only.split(",") if g.strip()}
        bad = only - set(GROUPS)
        if bad:
            ap.error(
                f"--only: unknown group(s) {', '.join(sorted(bad))} (choose from {', '.join(GROUPS)})"
            )
        if a.runs < 1:
            ap.error("--runs must be >= 1")
        t0 = time.perf_counter()
        started = datetime.now(UTC).isoformat(timespec="seconds")
        b = Bench(a.scale, a.runs, only, a.profile)
        log(f"benchmarks, scale {a.scale}: {', '.join(g for g in GROUPS if g in only)}")
        for g in GROUPS:
            if g in only:
                log(f"{g}:")
                getattr(b, g)()
        machine = machine_info()
        machine["loadavg_end"] = list(os.getloadavg())
        results = {
            "scale": a.scale,
            "runs": a.runs,
            "started": started,
            "elapsed_s": round(time.perf_counter() - t0, 1),
            "machine": machine,
            "versions": versions(),
            "measurements": b.measurements,
            "checks": b.checks,
            "profiles": b.profiles,
        }
        bench_report.analyse(results)
        results_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = results_path.with_name(f".{results_path.name}.tmp")
        tmp.write_text(json.dumps(results, indent=1, default=float))
        os.replace(tmp, results_path)
    print(bench_report.table(results))
    if a.no_docs:
        log(f"wrote {results_path.relative_to(REPO)}")
        return 0
    md = bench_report.update_markdown(results, REPO / "docs" / "benchmarks.md")
    png = bench_report.chart(results, REPO / "docs" / "img" / "bench-scaling.png")
    log(f"wrote {results_path.relative_to(REPO)}, {md.relative_to(REPO)}, {png.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
