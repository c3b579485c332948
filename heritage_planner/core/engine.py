"""The analysis: one entry point, :func:`run_analysis`, shared by every front end."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS

from .definitions import RuleType, Severity
from .errors import CancelledError, InputError, RulesError
from .exposure import ExposureStats, polygon_exposure
from .geo import choose_analysis_crs, reproject
from .ids import conflict_id, file_sha256
from .raster import HazardInput, RasterInfo, RasterReader, raster_info
from .rules import HazardDef, Rule, RuleSet, load_rules
from .site_hazard import site_values
from .siting import pairs_within
from .threads import python_thread
from .vector import POLYGON, VectorData, read_vector

ProgressCallback = Callable[[float, str], None]


@dataclass
class AnalysisRequest:
    """Everything a run needs, copied in before it starts (safe to hand to a worker)."""

    heritage: VectorData | str
    sites: Sequence[VectorData | str] = ()
    hazards: Sequence[HazardInput] = ()
    rules: RuleSet | str | None = None
    analysis_crs: str | None = None


@dataclass
class Heritage:
    data: VectorData
    geoms: np.ndarray  # analysis CRS
    ids: list[str]
    names: list[str]
    zones: list[str]
    categories: list[str]


@dataclass
class Sites:
    layer: str
    data: VectorData
    geoms: np.ndarray  # analysis CRS
    ids: list[str]
    kinds: list[str]


@dataclass
class ExposureTable:
    hazard: HazardDef
    input: HazardInput
    stats: ExposureStats


@dataclass
class SiteHazardTable:
    layer: str
    input: HazardInput
    hazard: HazardDef
    values: np.ndarray
    classes: np.ndarray  # int, -1 where none


@dataclass(frozen=True)
class Conflict:
    conflict_id: str
    rule_id: str
    rule_type: RuleType
    severity: Severity
    heritage_id: str | None
    heritage_name: str | None
    zone: str | None
    site_layer: str | None
    site_id: str | None
    site_kind: str | None
    hazard: str | None
    scenario: str | None
    value: float | None
    distance_m: float | None
    message: str
    geometry: Any = field(compare=False, repr=False)  # shapely, analysis CRS
    heritage_fid: int | None = None
    site_fid: int | None = None


@dataclass
class AnalysisResult:
    rules: RuleSet
    analysis_crs: CRS
    heritage: Heritage
    sites: list[Sites]
    exposure: list[ExposureTable]
    site_hazard: list[SiteHazardTable]
    conflicts: list[Conflict]
    warnings: list[str]
    run_info: dict[str, Any]

    def counts_by_severity(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for c in self.conflicts:
            out[c.severity.value] += 1
        return out

    def counts_by_rule(self) -> dict[str, int]:
        out = {r.id: 0 for r in self.rules.rules}
        for c in self.conflicts:
            out[c.rule_id] = out.get(c.rule_id, 0) + 1
        return out


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class _Progress:
    def __init__(self, cb: ProgressCallback | None, cancel: Callable[[], bool] | None) -> None:
        self.cb, self.cancel = cb, cancel
        self.base, self.span = 0.0, 0.0

    def stage(self, base: float, span: float, text: str) -> Callable[[float], None]:
        self.check()
        self.base, self.span = base, span
        if self.cb:
            self.cb(base, text)

        def sub(frac: float) -> None:
            if self.cb:
                self.cb(self.base + self.span * frac, text)

        return sub

    def check(self) -> None:
        if self.cancel is not None and self.cancel():
            raise CancelledError()


def _layer_names(sites: list[VectorData]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for s in sites:
        n = s.name
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        else:
            seen[n] = 1
        names.append(n)
    return names


def prepare_heritage(data: VectorData, rules: RuleSet, warnings: list[str]) -> VectorData:
    kinds = data.kinds()
    bad = (kinds != POLYGON) & (kinds != "")
    if bad.all() and len(data):
        raise InputError(f"heritage layer {data.name}: needs polygons, found {kinds[0]} geometries")
    if bad.any():
        raise InputError(
            f"heritage layer {data.name}: {int(bad.sum())} features are not polygons "
            "(use a polygon layer)"
        )
    nulls = kinds == ""
    if nulls.any():
        warnings.append(
            f"heritage layer {data.name}: {int(nulls.sum())} features without geometry skipped"
        )
    geoms = data.geoms.copy()
    ok = ~nulls
    invalid = np.zeros(len(geoms), dtype=bool)
    invalid[ok] = ~shapely.is_valid(geoms[ok])
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        # keep only the polygonal part of what make_valid returns
        geoms[invalid] = [_polygonal(g) for g in geoms[invalid]]
        warnings.append(
            f"heritage layer {data.name}: {int(invalid.sum())} invalid polygons repaired "
            "(shapely make_valid)"
        )
    repaired = VectorData(
        name=data.name,
        source=data.source,
        geoms=geoms,
        fids=data.fids,
        crs=data.crs,
        attributes=data.attributes,
        path=data.path,
    )
    return repaired.subset(np.flatnonzero(ok))


def _polygonal(g: Any) -> Any:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _drop_nulls(data: VectorData, warnings: list[str], what: str) -> VectorData:
    kinds = data.kinds()
    nulls = kinds == ""
    if not nulls.any():
        return data
    warnings.append(f"{what} {data.name}: {int(nulls.sum())} features without geometry skipped")
    return data.subset(np.flatnonzero(~nulls))


def _column(data: VectorData, name: str | None, what: str, default: list[str]) -> list[str]:
    col = data.field(name, what=what)
    return default if col is None else [_text(v) for v in col]


def validate_hazards(rules: RuleSet, hazards: Sequence[HazardInput]) -> dict[str, RasterInfo]:
    infos: dict[str, RasterInfo] = {}
    seen: set[str] = set()
    for h in hazards:
        if h.hazard not in rules.hazards:
            declared = ", ".join(rules.hazards) or "none"
            raise InputError(
                f"--hazard {h.tag}: hazard {h.hazard!r} is not declared in rules "
                f"{rules.source} (declared: {declared})"
            )
        if h.tag in seen:
            raise InputError(f"--hazard {h.tag}: given twice; use ID@SCENARIO to tell them apart")
        seen.add(h.tag)
        infos[h.tag] = raster_info(h.path, what=f"hazard raster {h.tag}")
    return infos


@python_thread
def run_analysis(
    request: AnalysisRequest,
    *,
    progress: ProgressCallback | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> AnalysisResult:
    """Run every analysis the rules ask for; raises :class:`HeritagePlannerError` subclasses
    with a one-line message on bad input and :class:`CancelledError` when cancelled."""
    t0 = time.time()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    warnings: list[str] = []
    prog = _Progress(progress, is_cancelled)
    prog.stage(0.0, 0.02, "reading inputs")

    rules = request.rules
    if not isinstance(rules, RuleSet):
        rules = load_rules(rules)
    infos = validate_hazards(rules, request.hazards)

    her_raw = request.heritage
    her_data = (
        her_raw if isinstance(her_raw, VectorData) else read_vector(her_raw, what="heritage layer")
    )
    her_data = prepare_heritage(her_data, rules, warnings)
    site_data = [
        s if isinstance(s, VectorData) else read_vector(s, what="sites layer")
        for s in request.sites
    ]
    site_data = [_drop_nulls(s, warnings, "sites layer") for s in site_data]

    hf = rules.heritage
    n_her = len(her_data)
    heritage_ids = _column(her_data, hf.id, "heritage id", [str(int(f)) for f in her_data.fids])
    analysis_crs = choose_analysis_crs(her_data.crs, her_data.geoms, request.analysis_crs)
    heritage = Heritage(
        data=her_data,
        geoms=reproject(her_data.geoms, her_data.crs, analysis_crs),
        ids=heritage_ids,
        names=_column(her_data, hf.name, "heritage name", [""] * n_her),
        zones=_column(her_data, hf.zone, "heritage zone", [""] * n_her),
        categories=_column(her_data, hf.category, "heritage category", [""] * n_her),
    )
    if len(set(heritage.ids)) != n_her:
        dup = next(i for i in heritage.ids if heritage.ids.count(i) > 1)
        raise InputError(
            f"heritage layer {her_data.name}: id field {hf.id!r} is not unique (e.g. {dup!r})"
        )
    sites: list[Sites] = []
    for name, sd in zip(_layer_names(site_data), site_data, strict=True):
        sites.append(
            Sites(
                layer=name,
                data=sd,
                geoms=reproject(sd.geoms, sd.crs, analysis_crs),
                ids=_column(sd, rules.sites.id, "site id", [str(int(f)) for f in sd.fids]),
                kinds=_column(sd, rules.sites.kind, "site kind", [""] * len(sd)),
            )
        )

    used = {h.hazard for h in request.hazards}
    for r in rules.rules:
        if r.hazard is not None and r.hazard not in used:
            warnings.append(f"rule {r.id!r} skipped: no raster given for hazard {r.hazard!r}")
    if not rules.rules:
        warnings.append(
            f"rules {rules.source}: no rules; only exposure and site hazard are computed"
        )

    # per hazard raster, one open reader (and block cache) for exposure and site hazard
    exposure: list[ExposureTable] = []
    site_hazard: list[SiteHazardTable] = []
    nh = max(len(request.hazards), 1)
    span = 0.85 / nh
    for k, h in enumerate(request.hazards):
        info = infos[h.tag]
        hz = rules.hazards[h.hazard]
        base = 0.02 + span * k
        with RasterReader(h.path, info) as reader:
            sub = prog.stage(base, span * 0.65, f"exposure to {h.tag}")
            g = reproject(her_data.geoms, her_data.crs, info.crs)
            stats = polygon_exposure(
                h.path, info, g, hz, progress=sub, is_cancelled=is_cancelled, reader=reader
            )
            exposure.append(ExposureTable(hz, h, stats))
            outside = np.nan_to_num(stats.frac_outside, nan=0.0)
            if n_her and (outside >= 1.0).all():
                warnings.append(f"hazard raster {h.tag}: does not overlap any heritage feature")
            for j, s in enumerate(sites):
                share = span * 0.35 / max(len(sites), 1)
                sub = prog.stage(
                    base + span * 0.65 + share * j, share, f"site hazard {s.layer} × {h.tag}"
                )
                g = reproject(s.data.geoms, s.data.crs, info.crs)
                vals = site_values(
                    h.path, info, g, progress=sub, is_cancelled=is_cancelled, reader=reader
                )
                site_hazard.append(SiteHazardTable(s.layer, h, hz, vals, hz.classify(vals)))
    # site-hazard tables in the order sites x hazards (layer by layer)
    order = {s.layer: i for i, s in enumerate(sites)}
    site_hazard.sort(key=lambda t: order[t.layer])

    prog.stage(0.87, 0.1, "checking siting rules")
    conflicts: list[Conflict] = []
    for rule in rules.rules_of(RuleType.SITING):
        prog.check()
        conflicts.extend(_siting_conflicts(rule, heritage, sites))
    prog.stage(0.97, 0.03, "checking hazard rules")
    for rule in rules.rules_of(RuleType.EXPOSURE):
        for tab in exposure:
            if tab.input.hazard == rule.hazard:
                conflicts.extend(_exposure_conflicts(rule, heritage, tab))
    for rule in rules.rules_of(RuleType.SITE_HAZARD):
        for sh in site_hazard:
            if sh.input.hazard == rule.hazard:
                s = next(x for x in sites if x.layer == sh.layer)
                conflicts.extend(_site_hazard_conflicts(rule, s, sh))
    conflicts.sort(
        key=lambda c: (
            -c.severity.rank,
            c.rule_id,
            c.heritage_id or "",
            c.site_layer or "",
            c.site_id or "",
            c.scenario or "",
        )
    )
    ids = [c.conflict_id for c in conflicts]
    if len(set(ids)) != len(ids):  # same identity twice: duplicated feature ids in the input
        dup = next(i for i in ids if ids.count(i) > 1)
        c = next(x for x in conflicts if x.conflict_id == dup)
        raise InputError(
            f"sites layer {c.site_layer}: id {c.site_id!r} is used by more than one feature; "
            "site ids must be unique per layer"
        )
    if progress:
        progress(1.0, "done")
    run_info = _run_info(request, rules, her_data, site_data, infos, started, t0, analysis_crs)
    return AnalysisResult(
        rules=rules,
        analysis_crs=analysis_crs,
        heritage=heritage,
        sites=sites,
        exposure=exposure,
        site_hazard=site_hazard,
        conflicts=conflicts,
        warnings=warnings,
        run_info=run_info,
    )


def _her_mask(rule: Rule, heritage: Heritage) -> np.ndarray:
    m = np.ones(len(heritage.ids), dtype=bool)
    if rule.zones:
        m &= np.isin(np.array(heritage.zones, dtype=object), list(rule.zones))
    if rule.categories:
        m &= np.isin(np.array(heritage.categories, dtype=object), list(rule.categories))
    return m


def _site_mask(rule: Rule, s: Sites) -> np.ndarray:
    if not rule.site_kinds:
        return np.ones(len(s.ids), dtype=bool)
    return np.isin(np.array(s.kinds, dtype=object), list(rule.site_kinds))


def _siting_conflicts(rule: Rule, heritage: Heritage, sites: list[Sites]) -> list[Conflict]:
    out: list[Conflict] = []
    hidx = np.flatnonzero(_her_mask(rule, heritage))
    for s in sites:
        sidx = np.flatnonzero(_site_mask(rule, s))
        si, hi, dist = pairs_within(s.geoms[sidx], heritage.geoms[hidx], rule.distance_m)
        for a, b, d in zip(sidx[si], hidx[hi], dist, strict=True):
            vals = {
                "rule_id": rule.id,
                "severity": rule.severity.value,
                "site_layer": s.layer,
                "site_id": s.ids[a],
                "site_kind": s.kinds[a],
                "heritage_id": heritage.ids[b],
                "heritage_name": heritage.names[b],
                "zone": heritage.zones[b],
                "category": heritage.categories[b],
                "distance_m": float(d),
            }
            out.append(
                Conflict(
                    conflict_id=conflict_id(rule.id, s.layer, s.ids[a], heritage.ids[b]),
                    rule_id=rule.id,
                    rule_type=rule.type,
                    severity=rule.severity,
                    heritage_id=heritage.ids[b],
                    heritage_name=heritage.names[b],
                    zone=heritage.zones[b],
                    site_layer=s.layer,
                    site_id=s.ids[a],
                    site_kind=s.kinds[a],
                    hazard=None,
                    scenario=None,
                    value=None,
                    distance_m=float(d),
                    message=rule.render(vals),
                    geometry=s.geoms[a],
                    heritage_fid=int(heritage.data.fids[b]),
                    site_fid=int(s.data.fids[a]),
                )
            )
    return out


def _exposure_conflicts(rule: Rule, heritage: Heritage, tab: ExposureTable) -> list[Conflict]:
    assert rule.min_class is not None
    k = tab.hazard.class_index(rule.min_class)
    frac = np.nan_to_num(tab.stats.frac_class[:, k:].sum(axis=1), nan=0.0)
    hit = _her_mask(rule, heritage) & (frac >= rule.min_fraction) & (frac > 0)
    out = []
    for b in np.flatnonzero(hit):
        f = float(frac[b])
        vals = {
            "rule_id": rule.id,
            "severity": rule.severity.value,
            "heritage_id": heritage.ids[b],
            "heritage_name": heritage.names[b],
            "zone": heritage.zones[b],
            "category": heritage.categories[b],
            "hazard": tab.input.hazard,
            "hazard_label": tab.hazard.label,
            "scenario": tab.input.scenario,
            "value": f,
            "fraction": f,
            "class": rule.min_class,
            "unit": tab.hazard.unit,
        }
        out.append(
            Conflict(
                conflict_id=conflict_id(
                    rule.id, "", "", heritage.ids[b], tab.input.hazard, tab.input.scenario
                ),
                rule_id=rule.id,
                rule_type=rule.type,
                severity=rule.severity,
                heritage_id=heritage.ids[b],
                heritage_name=heritage.names[b],
                zone=heritage.zones[b],
                site_layer=None,
                site_id=None,
                site_kind=None,
                hazard=tab.input.hazard,
                scenario=tab.input.scenario,
                value=f,
                distance_m=None,
                message=rule.render(vals),
                geometry=heritage.geoms[b],
                heritage_fid=int(heritage.data.fids[b]),
            )
        )
    return out


def _site_hazard_conflicts(rule: Rule, s: Sites, sh: SiteHazardTable) -> list[Conflict]:
    assert rule.min_class is not None
    k = sh.hazard.class_index(rule.min_class)
    hit = _site_mask(rule, s) & (sh.classes >= k)
    out = []
    for a in np.flatnonzero(hit):
        cls = sh.hazard.class_names[int(sh.classes[a])]
        v = float(sh.values[a])
        vals = {
            "rule_id": rule.id,
            "severity": rule.severity.value,
            "site_layer": s.layer,
            "site_id": s.ids[a],
            "site_kind": s.kinds[a],
            "hazard": sh.input.hazard,
            "hazard_label": sh.hazard.label,
            "scenario": sh.input.scenario,
            "value": v,
            "class": cls,
            "unit": sh.hazard.unit,
        }
        out.append(
            Conflict(
                conflict_id=conflict_id(
                    rule.id, s.layer, s.ids[a], "", sh.input.hazard, sh.input.scenario
                ),
                rule_id=rule.id,
                rule_type=rule.type,
                severity=rule.severity,
                heritage_id=None,
                heritage_name=None,
                zone=None,
                site_layer=s.layer,
                site_id=s.ids[a],
                site_kind=s.kinds[a],
                hazard=sh.input.hazard,
                scenario=sh.input.scenario,
                value=v,
                distance_m=None,
                message=rule.render(vals),
                geometry=s.geoms[a],
                site_fid=int(s.data.fids[a]),
            )
        )
    return out


def _file_entry(role: str, source: str, path: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"role": role, "source": source}
    if path and os.path.isfile(path):
        entry.update(
            path=str(Path(path).resolve()),
            size_bytes=os.path.getsize(path),
            sha256=file_sha256(path),
        )
    return entry


def _run_info(
    request: AnalysisRequest,
    rules: RuleSet,
    her: VectorData,
    sites: list[VectorData],
    infos: dict[str, RasterInfo],
    started: str,
    t0: float,
    analysis_crs: CRS,
) -> dict[str, Any]:
    from .. import __version__

    inputs = [_file_entry("heritage", her.source, her.path)]
    inputs += [_file_entry("sites", s.source, s.path) for s in sites]
    inputs += [_file_entry(f"hazard:{h.tag}", h.path, h.path) for h in request.hazards]
    versions = {"heritage_planner": __version__, "python": platform.python_version()}
    for mod in ("numpy", "shapely", "rasterio", "pyproj", "exactextract"):
        try:
            versions[mod] = __import__(mod).__version__
        except (ImportError, AttributeError):
            versions[mod] = "?"
    try:
        import rasterio

        versions["gdal"] = rasterio.__gdal_version__
        versions["geos"] = ".".join(map(str, shapely.geos_version))
    except ImportError:
        pass
    return {
        "inputs": inputs,
        "rules": {
            "name": rules.name,
            "version": rules.version,
            "sha256": rules.sha256,
            "source": rules.source,
        },
        "analysis_crs": analysis_crs.to_string(),
        "versions": versions,
        "started": started,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "elapsed_s": round(time.time() - t0, 3),
    }


__all__ = [
    "AnalysisRequest",
    "AnalysisResult",
    "Conflict",
    "HazardInput",
    "InputError",
    "RulesError",
    "run_analysis",
]
