"""Ratios, targets and fitted exponents from the measurements; the markdown table in
docs/benchmarks.md (between the ``bench:begin``/``bench:end`` markers) and the scaling chart."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
GB = 1024.0  # MB
EQUAL_TOL = 1e-9

TOOL_LABEL = {
    "engine": "engine",
    "exactextract": "exactextract (direct)",
    "qgis_zonalstatisticsfb": "QGIS native:zonalstatisticsfb",
    "qgis_zonalstatistics": "QGIS QgsZonalStatistics",
    "rasterstats": "rasterstats",
    "shapely_strtree": "shapely STRtree dwithin",
    "qgis_buffer_join": "QGIS buffer + joinattributesbylocation",
    "qgis_chain": "QGIS native algorithm chain",
}


def _ok(m: dict[str, Any]) -> bool:
    return "median_s" in m


def _key(m: dict[str, Any]) -> tuple:
    return (m["group"], tuple(sorted(m["config"].items())))


def _compute_s(m: dict[str, Any]) -> float:
    vals = [r["wall_s"] - r.get("read_s", 0.0) for r in m["runs"] if "error" not in r]
    return float(np.median(vals))


def analyse(results: dict[str, Any]) -> None:
    """Add ``ratios``, ``fits`` and ``targets`` to ``results`` (in place)."""
    ms = results["measurements"]
    by: dict[tuple, dict[str, dict[str, Any]]] = {}
    for m in ms:
        by.setdefault(_key(m), {})[m["tool"]] = m
    ratios = []
    for (group, cfg), tools in by.items():
        eng = tools.get("engine")
        if not eng or not _ok(eng):
            continue
        for t, m in tools.items():
            if t == "engine" or not _ok(m):
                continue
            r = {
                "group": group,
                "config": dict(cfg),
                "peer": t,
                "engine_s": eng["median_s"],
                "peer_s": m["median_s"],
                "ratio": round(eng["median_s"] / m["median_s"], 4),
                "engine_rss_mb": eng["peak_rss_mb"],
                "peer_rss_mb": m["peak_rss_mb"],
            }
            if group == "siting" and any(x.get("read_s") for x in m["runs"] if "error" not in x):
                r["ratio_compute"] = round(_compute_s(eng) / max(_compute_s(m), 1e-9), 4)
            ratios.append(r)
    results["ratios"] = ratios
    results["fits"] = _fits(ms)
    results["targets"] = _targets(results)


def _slope(x: list[float], y: list[float]) -> float | None:
    if len(x) < 2 or len(set(x)) < 2:
        return None
    return round(float(np.polyfit(np.log(x), np.log(y), 1)[0]), 3)


def _series(ms: list[dict[str, Any]], group: str, vary: str, fixed: str) -> dict[str, dict]:
    """Per tool: the longest run of configs that vary ``vary`` with ``fixed`` held."""
    out: dict[str, dict] = {}
    tools = sorted({m["tool"] for m in ms if m["group"] == group})
    for t in tools:
        rows = [m for m in ms if m["group"] == group and m["tool"] == t and _ok(m)]
        groups: dict[Any, list] = {}
        for m in rows:
            groups.setdefault(m["config"].get(fixed), []).append(m)
        best = max(
            groups.items(), key=lambda kv: len({m["config"][vary] for m in kv[1]}), default=None
        )
        if best is None:
            continue
        pts = sorted(best[1], key=lambda m: m["config"][vary])
        x = [float(m["config"][vary]) for m in pts]
        out[t] = {
            fixed: best[0],
            vary: x,
            "time_s": [m["median_s"] for m in pts],
            "peak_rss_mb": [m["peak_rss_mb"] for m in pts],
            "time_exponent": _slope(x, [m["median_s"] for m in pts]),
            "rss_exponent": _slope(x, [m["peak_rss_mb"] for m in pts]),
        }
    return out


def _fits(ms: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "exposure_vs_features": _series(ms, "exposure", "features", "cells"),
        "exposure_vs_cells": _series(ms, "exposure", "cells", "features"),
        "siting_vs_sites": _series(ms, "siting", "sites", "features"),
    }


def _worst(ratios: list[dict[str, Any]], group: str, peers: tuple[str, ...]) -> dict | None:
    rs = [r for r in ratios if r["group"] == group and r["peer"] in peers]
    return max(rs, key=lambda r: r["ratio"]) if rs else None


def _cfg_text(cfg: dict[str, Any]) -> str:
    parts = []
    if "raster" in cfg:
        parts.append(f"{cfg['raster']}²")
    if "features" in cfg:
        parts.append(f"{cfg['features']:,} polygons")
    if "sites" in cfg:
        parts.append(f"{cfg['sites']:,} sites")
    return ", ".join(parts)


def _targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    ratios = results["ratios"]
    out: list[dict[str, Any]] = []

    def ratio_target(
        name: str, group: str, peers: tuple[str, ...], limit: float, extra: str = ""
    ) -> None:
        w = _worst(ratios, group, peers)
        if w is None:
            out.append(
                {
                    "target": name,
                    "limit": limit,
                    "measured": None,
                    "holds": None,
                    "note": "not measured",
                }
            )
            return
        n_ok = sum(
            1 for r in ratios if r["group"] == group and r["peer"] in peers and r["ratio"] <= limit
        )
        n_all = sum(1 for r in ratios if r["group"] == group and r["peer"] in peers)
        out.append(
            {
                "target": name,
                "limit": limit,
                "measured": w["ratio"],
                "holds": w["ratio"] <= limit,
                "note": f"worst: {TOOL_LABEL.get(w['peer'], w['peer'])} at {_cfg_text(w['config'])}; "
                f"{n_ok}/{n_all} configurations within{extra}",
            }
        )

    ratio_target("exposure: engine / exactextract <= 1.25", "exposure", ("exactextract",), 1.25)
    diffs = [
        v for c in results.get("checks", []) for v in [c["vs_engine"].get("exactextract")] if v
    ]
    if diffs:
        largest = max(max(d[k] for k in d if k.endswith("_max_abs")) for d in diffs)
        missing = sum(d[k] for d in diffs for k in d if k.endswith("_missing"))
        out.append(
            {
                "target": "exposure: engine results equal exactextract's",
                "limit": EQUAL_TOL,
                "measured": largest,
                "holds": largest <= EQUAL_TOL and missing == 0,
                "note": "largest absolute difference in mean, min, max and class fractions over "
                f"all features of {len(diffs)} configurations",
            }
        )
    ratio_target(
        "exposure: engine / QGIS native <= 0.5",
        "exposure",
        ("qgis_zonalstatisticsfb", "qgis_zonalstatistics"),
        0.5,
    )
    ratio_target("exposure: engine / rasterstats <= 0.1", "exposure", ("rasterstats",), 0.1)
    ratio_target("whole job: engine / QGIS chain <= 0.25", "job", ("qgis_chain",), 0.25)
    ms = results["measurements"]

    def rss_target(name: str, pick: Any, note: str) -> None:
        hits = [m for m in ms if m["tool"] == "engine" and _ok(m) and pick(m)]
        if not hits:
            out.append(
                {
                    "target": name,
                    "limit": 1.5 * GB,
                    "measured": None,
                    "holds": None,
                    "note": "not measured at this scale (run SCALE=large)",
                }
            )
            return
        m = max(hits, key=lambda m: m["peak_rss_mb"])
        out.append(
            {
                "target": name,
                "limit": 1.5 * GB,
                "measured": m["peak_rss_mb"],
                "holds": m["peak_rss_mb"] < 1.5 * GB,
                "note": f"{note} ({_cfg_text(m['config'])}, peak RSS of the whole process)",
            }
        )

    rss_target(
        "memory: 16384² raster, 50k polygons < 1.5 GB",
        lambda m: m["group"] == "exposure"
        and m["config"].get("raster") == 16384
        and m["config"].get("features", 0) >= 50_000,
        "engine exposure",
    )
    rss_target(
        "memory: 20000² raster with huge polygons < 1.5 GB",
        lambda m: m["group"] == "memory" and m["config"].get("raster", 0) >= 20000,
        "engine exposure incl. 3 catchment-sized polygons",
    )
    if results.get("scale") == "quick":
        rss_target(
            "memory (quick check): 8192² raster with huge polygons < 1.5 GB",
            lambda m: m["group"] == "memory",
            "engine exposure incl. 3 catchment-sized polygons",
        )
    return out


# --- markdown ---------------------------------------------------------------------------------


def _fmt_s(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def table(results: dict[str, Any]) -> str:
    """The generated markdown: machine, targets, then one table per benchmark group."""
    mach, ver = results["machine"], results.get("versions", {})
    lines = [
        f"Scale `{results['scale']}`, {results['runs']} runs per measurement (median), "
        f"run {results['started']} in {results['elapsed_s']:.0f} s on {mach.get('cores')} cores "
        f"({mach.get('cpu') or 'unknown CPU'}, {mach.get('memory_gb')} GB RAM; load average "
        f"{mach['loadavg_start'][0]:.1f} at start, {mach.get('loadavg_end', [0])[0]:.1f} at end: "
        "the machine is shared, so absolute times carry noise; ratios come from interleaved runs).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in ver.items()) + ".",
        "",
        "### Targets",
        "",
        "| target | measured | holds | note |",
        "| --- | --- | --- | --- |",
    ]
    for t in results.get("targets", []):
        meas = t["measured"]
        if meas is None:
            ms = "–"
        elif "memory" in t["target"]:
            ms = f"{meas:.0f} MB"
        elif "equal" in t["target"]:
            ms = f"{meas:.1e}"
        else:
            ms = f"{meas:.3f}"
        holds = {True: "yes", False: "**no**", None: "–"}[t["holds"]]
        lines.append(f"| {t['target']} | {ms} | {holds} | {t['note']} |")
    ratios = {
        (r["group"], tuple(sorted(r["config"].items())), r["peer"]): r
        for r in results.get("ratios", [])
    }
    titles = {
        "exposure": "Exposure (per-polygon statistics of a flood-depth raster)",
        "siting": f"Siting (sites within {results['measurements'][0]['config'].get('distance_m', 5)} m of heritage polygons)",
        "job": "Whole conflict job (exposure, site hazard, three siting rules)",
        "memory": "Memory: engine exposure with catchment-sized polygons",
    }
    for group in ("exposure", "siting", "job", "memory"):
        rows = [m for m in results["measurements"] if m["group"] == group]
        if not rows:
            continue
        if group == "siting":
            titles["siting"] = (
                f"Siting (sites within {rows[0]['config']['distance_m']:g} m of heritage polygons)"
            )
        lines += ["", f"### {titles[group]}", ""]
        lines += [
            "| inputs | tool | median s | min–max s | peak RSS MB | engine / tool |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for m in rows:
            cfg = _cfg_text(m["config"])
            label = TOOL_LABEL.get(m["tool"], m["tool"])
            if not _ok(m):
                lines.append(f"| {cfg} | {label} | failed: {m.get('error', '?')} | | | |")
                continue
            r = ratios.get((group, tuple(sorted(m["config"].items())), m["tool"]))
            ratio = "" if r is None else f"{r['ratio']:.3f}"
            if r is not None and "ratio_compute" in r:
                ratio += f" (compute {r['ratio_compute']:.2f})"
            runs = m.get("n_runs", 0)
            note = "" if runs >= results["runs"] else f" ({runs} run{'s' if runs != 1 else ''})"
            lines.append(
                f"| {cfg} | {label}{note} | {_fmt_s(m['median_s'])} | "
                f"{_fmt_s(m['min_s'])}–{_fmt_s(m['max_s'])} | {m['peak_rss_mb']:.0f} | {ratio} |"
            )
    checks = results.get("checks", [])
    if checks:
        lines += [
            "",
            "### Agreement with the engine (largest absolute difference over all polygons)",
            "",
            "| inputs | tool | mean | min | max | class fractions |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for c in checks:
            for t, d in c["vs_engine"].items():
                vals = [d.get(f"{k}_max_abs") for k in ("mean", "min", "max", "frac")]
                cells = ["–" if v is None else f"{v:.2g}" for v in vals]
                lines.append(
                    f"| {c['raster']}², {c['features']:,} polygons | {TOOL_LABEL.get(t, t)} | "
                    + " | ".join(cells)
                    + " |"
                )
    fits = results.get("fits", {})
    fl = []
    for name, what in (
        ("exposure_vs_features", "exposure time ∝ features^k"),
        ("exposure_vs_cells", "exposure time ∝ raster cells^k"),
        ("siting_vs_sites", "siting time ∝ sites^k"),
    ):
        for t, f in fits.get(name, {}).items():
            if f["time_exponent"] is not None:
                rss = "–" if f["rss_exponent"] is None else f"{f['rss_exponent']:.2f}"
                fl.append(f"| {what} | {TOOL_LABEL.get(t, t)} | {f['time_exponent']:.2f} | {rss} |")
    if fl:
        lines += [
            "",
            "### Fitted scaling exponents (log-log least squares)",
            "",
            "| relation | tool | time exponent k | peak RSS exponent |",
            "| --- | --- | ---: | ---: |",
            *fl,
        ]
    lines += ["", "![scaling](img/bench-scaling.png)"]
    return "\n".join(lines)


def update_markdown(results: dict[str, Any], path: Path) -> Path:
    """Replace the generated section of ``path`` (kept between the markers), atomically."""
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip() + f"\n\n## Results\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{table(results)}\n{END}{tail}"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(new)
    os.replace(tmp, path)
    return path


# --- chart ------------------------------------------------------------------------------------


def chart(results: dict[str, Any], path: Path) -> Path:
    """Four log-log panels: exposure time vs features and vs cells, peak RSS vs cells, siting."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fits = results.get("fits", {})
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    colors = {
        "engine": "#c0392b",
        "exactextract": "#2980b9",
        "qgis_zonalstatisticsfb": "#27ae60",
        "qgis_zonalstatistics": "#8e44ad",
        "rasterstats": "#7f8c8d",
        "shapely_strtree": "#2980b9",
        "qgis_buffer_join": "#27ae60",
    }

    def panel(
        ax: Any, name: str, vary: str, key: str, title: str, xlabel: str, ylabel: str
    ) -> None:
        for t, f in fits.get(name, {}).items():
            exp = f["time_exponent"] if key == "time_s" else f["rss_exponent"]
            lab = TOOL_LABEL.get(t, t) + ("" if exp is None else f" (k={exp:.2f})")
            ax.plot(
                f[vary],
                f[key],
                "o-",
                color=colors.get(t),
                label=lab,
                lw=2 if t == "engine" else 1.2,
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title, fontsize=11)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)

    f_fix = next(iter(fits.get("exposure_vs_features", {}).values()), {}).get("cells")
    c_fix = next(iter(fits.get("exposure_vs_cells", {}).values()), {}).get("features")
    s_fix = next(iter(fits.get("siting_vs_sites", {}).values()), {}).get("features")
    panel(
        axes[0, 0],
        "exposure_vs_features",
        "features",
        "time_s",
        f"Exposure time vs polygons ({int(np.sqrt(f_fix)) if f_fix else '?'}² raster)",
        "heritage polygons",
        "median time (s)",
    )
    panel(
        axes[0, 1],
        "exposure_vs_cells",
        "cells",
        "time_s",
        f"Exposure time vs raster cells ({c_fix or '?'} polygons, same extent)",
        "raster cells",
        "median time (s)",
    )
    panel(
        axes[1, 0],
        "exposure_vs_cells",
        "cells",
        "peak_rss_mb",
        "Exposure peak RSS vs raster cells (whole process)",
        "raster cells",
        "peak RSS (MB)",
    )
    mem = [m for m in results["measurements"] if m["group"] == "memory" and _ok(m)]
    for m in mem:
        axes[1, 0].plot([m["config"]["cells"]], [m["peak_rss_mb"]], "*", ms=14, color="#c0392b")
        axes[1, 0].annotate(
            f"engine, {m['config']['raster']}² + 3 huge polygons",
            (m["config"]["cells"], m["peak_rss_mb"]),
            textcoords="offset points",
            xytext=(-210, -22),
            fontsize=8,
        )
    axes[1, 0].axhline(1.5 * GB, color="k", ls="--", lw=1)
    if axes[1, 0].get_legend() is not None:
        axes[1, 0].legend(fontsize=8, loc="center left")
    axes[1, 0].text(axes[1, 0].get_xlim()[0], 1.5 * GB * 1.05, " 1.5 GB target", fontsize=8)
    panel(
        axes[1, 1],
        "siting_vs_sites",
        "sites",
        "time_s",
        f"Siting time vs sites ({s_fix or '?'} polygons; incl. reading the files)",
        "sites",
        "median time (s)",
    )
    fig.suptitle(
        f"Heritage Planner benchmarks (scale {results['scale']}, median of {results['runs']} runs, "
        f"{results['machine'].get('cores')} cores)",
        fontsize=13,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.png")
    fig.savefig(tmp, dpi=90)
    plt.close(fig)
    os.replace(tmp, path)
    return path
