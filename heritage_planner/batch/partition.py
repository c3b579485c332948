"""Splitting a job into tasks a worker runs, and merging their results back into one.

A small job is one task that reads its own inputs. A large one (more heritage features than
its ``partition_size``) is read once here and split into spatially compact chunks of heritage
features (a Z-order curve), each with the sites near it, so a worker reads only the raster
windows under its chunk; site hazard runs in chunks of sites. The merged result equals what a
single ``run_analysis`` gives for the whole job: same rows, same order, same conflict ids.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import shapely

from ..core.engine import (
    AnalysisRequest,
    AnalysisResult,
    ExposureTable,
    Heritage,
    SiteHazardTable,
    Sites,
    prepare_heritage,
    run_analysis,
)
from ..core.errors import InputError
from ..core.exposure import ExposureStats, spatial_order
from ..core.geo import choose_analysis_crs, reproject
from ..core.rules import RuleSet
from ..core.vector import VectorData, read_vector

WHOLE, HERITAGE_PART, SITES_PART = "whole", "heritage", "sites"
_NO_OVERLAP = ": does not overlap any heritage feature"


@dataclass
class Task:
    """One unit of work for a worker: picklable, self-contained."""

    job: str
    index: int
    kind: str
    request: AnalysisRequest
    rows: np.ndarray | None = None  # heritage rows (HERITAGE_PART) in the job's order

    @property
    def key(self) -> str:
        return f"{self.job}#{self.index}"


def run_task(task: Task) -> AnalysisResult:
    """What a worker runs (module-level so process pools and Dask can pickle it)."""
    return run_analysis(task.request)


@dataclass
class Plan:
    job: str
    tasks: list[Task]
    heritage: VectorData | None = None  # prepared, for partitioned jobs
    sites: list[VectorData] | None = None
    warnings: list[str] | None = None
    started: float = 0.0

    @property
    def partitioned(self) -> bool:
        return self.tasks[0].kind != WHOLE


def _feature_count(src: str) -> int | None:
    from osgeo import gdal

    from ..core.vector import split_source

    gdal.UseExceptions()
    path, layer = split_source(src)
    try:
        ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY)
        lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
        n = lyr.GetFeatureCount()
    except (RuntimeError, AttributeError):
        return None
    ds = None
    return int(n) if n >= 0 else None


def subset(data: VectorData, idx: np.ndarray) -> VectorData:
    """Rows ``idx`` of a layer (see :meth:`VectorData.subset`)."""
    return data.subset(idx)


def _crs_text(crs: Any) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


def plan_job(
    job: str,
    request: AnalysisRequest,
    partition_size: int,
) -> Plan:
    """One task when the heritage layer is small, else heritage chunks and site chunks."""
    started = time.time()
    assert isinstance(request.rules, RuleSet)
    src = request.heritage
    count = len(src) if isinstance(src, VectorData) else _feature_count(str(src))
    if count is not None and count <= partition_size:
        return Plan(job, [Task(job, 0, WHOLE, request)], started=started)
    rules = request.rules
    warnings: list[str] = []
    her = src if isinstance(src, VectorData) else read_vector(str(src), what="heritage layer")
    her = prepare_heritage(her, rules, warnings)
    col = her.field(rules.heritage.id, what="heritage id")
    ids = [str(int(f)) for f in her.fids] if col is None else [_text(v) for v in col]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(
            f"heritage layer {her.name}: id field {rules.heritage.id!r} is not unique "
            f"(e.g. {dup!r})"
        )
    sites = [
        s if isinstance(s, VectorData) else read_vector(str(s), what="sites layer")
        for s in request.sites
    ]
    for k, s in enumerate(sites):
        nulls = s.kinds() == ""
        if nulls.any():
            warnings.append(
                f"sites layer {s.name}: {int(nulls.sum())} features without geometry skipped"
            )
            sites[k] = subset(s, np.flatnonzero(~nulls))
    acrs = choose_analysis_crs(her.crs, her.geoms, request.analysis_crs)
    acrs_text = _crs_text(acrs)
    her_a = reproject(her.geoms, her.crs, acrs)
    sites_a = [reproject(s.geoms, s.crs, acrs) for s in sites]
    trees = [shapely.STRtree(g) if len(g) else None for g in sites_a]
    reach = max((r.distance_m for r in rules.rules if r.type.value == "siting"), default=None)
    tasks: list[Task] = []
    order = spatial_order(her_a)
    for start in range(0, len(order), partition_size):
        rows = np.sort(order[start : start + partition_size])
        part_sites = []
        for s, tree in zip(sites, trees, strict=True):
            if tree is None or reach is None:
                part_sites.append(subset(s, np.zeros(0, dtype="int64")))
                continue
            _, near = tree.query(her_a[rows], predicate="dwithin", distance=reach)
            part_sites.append(subset(s, np.unique(near)))
        req = replace(request, heritage=subset(her, rows), sites=part_sites, analysis_crs=acrs_text)
        tasks.append(Task(job, len(tasks), HERITAGE_PART, req, rows))
    empty_her = subset(her, np.zeros(0, dtype="int64"))
    for k, s in enumerate(sites):
        sorder = spatial_order(sites_a[k]) if len(s) else np.zeros(0, dtype="int64")
        for start in range(0, len(sorder), partition_size):
            idx = np.sort(sorder[start : start + partition_size])
            layers = [
                subset(x, idx if j == k else np.zeros(0, dtype="int64"))
                for j, x in enumerate(sites)
            ]
            req = replace(request, heritage=empty_her, sites=layers, analysis_crs=acrs_text)
            tasks.append(Task(job, len(tasks), SITES_PART, req, idx))
    return Plan(job, tasks, heritage=her, sites=sites, warnings=warnings, started=started)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _conflict_key(c: Any) -> tuple:
    return (
        -c.severity.rank,
        c.rule_id,
        c.heritage_id or "",
        c.site_layer or "",
        c.site_id or "",
        c.scenario or "",
    )


def merge(plan: Plan, results: list[AnalysisResult]) -> AnalysisResult:
    """One result from the results of ``plan.tasks`` (in task order)."""
    if not plan.partitioned:
        return results[0]
    assert plan.heritage is not None and plan.sites is not None
    her_tasks = [
        (t, r) for t, r in zip(plan.tasks, results, strict=True) if t.kind == HERITAGE_PART
    ]
    site_tasks = [(t, r) for t, r in zip(plan.tasks, results, strict=True) if t.kind == SITES_PART]
    first = her_tasks[0][1] if her_tasks else results[0]
    hazards = list(plan.tasks[0].request.hazards)
    n = len(plan.heritage)
    ids, names, zones, cats = ([""] * n for _ in range(4))
    for t, r in her_tasks:
        assert t.rows is not None
        for j, i in enumerate(t.rows):
            ids[i], names[i] = r.heritage.ids[j], r.heritage.names[j]
            zones[i], cats[i] = r.heritage.zones[j], r.heritage.categories[j]
    heritage = Heritage(
        data=plan.heritage,
        geoms=reproject(plan.heritage.geoms, plan.heritage.crs, first.analysis_crs),
        ids=ids,
        names=names,
        zones=zones,
        categories=cats,
    )
    exposure = []
    for k, h in enumerate(hazards):
        tab0 = first.exposure[k]
        stats = ExposureStats.empty(n, len(tab0.hazard.classes))
        for t, r in her_tasks:
            part = r.exposure[k].stats
            for f in (
                "min",
                "max",
                "mean",
                "frac_class",
                "frac_nodata",
                "frac_outside",
                "worst_class",
            ):
                getattr(stats, f)[t.rows] = getattr(part, f)
        exposure.append(ExposureTable(tab0.hazard, h, stats))
    sites: list[Sites] = []
    layer_names = [x.layer for x in first.sites]
    for k, data in enumerate(plan.sites):
        m = len(data)
        sids, kinds = [""] * m, [""] * m
        for t, r in site_tasks:
            if len(r.sites[k].ids):
                assert t.rows is not None
                for j, i in enumerate(t.rows):
                    sids[i], kinds[i] = r.sites[k].ids[j], r.sites[k].kinds[j]
        sites.append(
            Sites(
                layer=layer_names[k],
                data=data,
                geoms=reproject(data.geoms, data.crs, first.analysis_crs),
                ids=sids,
                kinds=kinds,
            )
        )
    site_hazard = []
    for k, layer in enumerate(sites):
        for q, h in enumerate(hazards):
            values = np.full(len(layer.ids), np.nan)
            classes = np.full(len(layer.ids), -1, dtype="int64")
            hz = first.rules.hazards[h.hazard]
            for t, r in site_tasks:
                sh = r.site_hazard[k * len(hazards) + q]
                if len(r.sites[k].ids):
                    values[t.rows] = sh.values
                    classes[t.rows] = sh.classes
            site_hazard.append(SiteHazardTable(layer.layer, h, hz, values, classes))
    conflicts = [
        c for _, r in her_tasks for c in r.conflicts if c.rule_type.value != "site_hazard"
    ] + [c for _, r in site_tasks for c in r.conflicts if c.rule_type.value == "site_hazard"]
    conflicts.sort(key=_conflict_key)
    warnings = list(plan.warnings or [])
    for r in results:
        for w in r.warnings:
            if w not in warnings and not w.endswith(_NO_OVERLAP):
                warnings.append(w)
    for table in exposure:
        outside = np.nan_to_num(table.stats.frac_outside, nan=0.0)
        if n and (outside >= 1.0).all():
            warnings.append(f"hazard raster {table.input.tag}{_NO_OVERLAP}")
    info = dict(first.run_info)
    info["started"] = datetime.fromtimestamp(plan.started, UTC).isoformat(timespec="seconds")
    info["elapsed_s"] = round(time.time() - plan.started, 3)
    info["partitions"] = len(plan.tasks)
    return AnalysisResult(
        rules=first.rules,
        analysis_crs=first.analysis_crs,
        heritage=heritage,
        sites=sites,
        exposure=exposure,
        site_hazard=site_hazard,
        conflicts=conflicts,
        warnings=warnings,
        run_info=info,
    )
