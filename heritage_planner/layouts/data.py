"""What a report shows, read from a results GeoPackage with OGR only (no Qt: safe in a worker).

Everything the layouts need is copied into plain dataclasses here, so the part that must run on
the main thread (building and exporting layouts) never reads files itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.definitions import (
    LAYER_CONFLICTS,
    LAYER_EXPOSURE,
    LAYER_SITE_HAZARD,
    SEVERITY_COLORS,
    TABLE_RUN,
    Severity,
)
from ..core.errors import InputError
from ..core.rules import HazardDef, RuleSet, parse_rules

#: columns of the ``conflicts`` layer the report uses (see core/output.py)
_CONFLICT_COLUMNS = (
    "conflict_id",
    "rule_id",
    "rule_type",
    "severity",
    "heritage_id",
    "heritage_name",
    "zone",
    "site_layer",
    "site_id",
    "site_kind",
    "hazard",
    "scenario",
    "value",
    "distance_m",
    "message",
    "heritage_fid",
    "site_fid",
)


@dataclass
class ConflictRow:
    values: dict[str, Any]
    wkb: bytes | None

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)

    @property
    def severity(self) -> Severity:
        return Severity.parse(self.values["severity"])


@dataclass
class HeritageRow:
    fid: int
    heritage_id: str
    name: str
    zone: str
    category: str
    wkb: bytes | None


@dataclass
class ExposureRow:
    heritage_fid: int
    hazard: str
    scenario: str
    label: str
    unit: str
    mean: float | None
    max: float | None
    worst_class: str
    classes: list[tuple[str, float | None]]  # (class name, fraction of the area)


@dataclass
class Page:
    """One atlas page: a heritage feature (or one conflict with ``per_conflict``)."""

    key: str
    title: str
    heritage_fid: int | None
    heritage_id: str
    zone: str
    category: str
    worst: Severity
    conflict_ids: list[str]
    wkb_parts: list[bytes]  # geometries whose union the page map is zoomed to


@dataclass
class ReportData:
    results: Path
    results_sha256: str
    run: dict[str, Any]
    crs_wkt: str
    rules: RuleSet | None
    conflicts: list[ConflictRow]
    heritage: dict[int, HeritageRow]
    exposure: list[ExposureRow]
    sites: list[tuple[str, str, str, bytes]] = field(default_factory=list)  # layer, id, kind, wkb
    warnings: list[str] = field(default_factory=list)

    @property
    def rules_sha256(self) -> str:
        return str(self.run.get("rules", {}).get("sha256", ""))

    def counts_by_severity(self) -> dict[Severity, int]:
        out = {s: 0 for s in Severity}
        for c in self.conflicts:
            out[c.severity] += 1
        return out

    def counts_by_rule(self) -> list[tuple[str, str, Severity | None, int]]:
        """(rule id, type, severity, count) for every rule of the rule set, worst first."""
        counts: dict[str, int] = {}
        for c in self.conflicts:
            counts[c["rule_id"]] = counts.get(c["rule_id"], 0) + 1
        rows: list[tuple[str, str, Severity | None, int]] = []
        if self.rules is not None:
            for r in self.rules.rules:
                rows.append((r.id, r.type.value, r.severity, counts.pop(r.id, 0)))
        for rid, n in self.run.get("counts_by_rule", {}).items():
            if rid in counts or not any(r[0] == rid for r in rows):
                rows.append((rid, "", None, counts.pop(rid, int(n))))
        rows.sort(key=lambda r: (-(r[2].rank if r[2] else -1), r[0]))
        return rows

    def hazard_def(self, hazard: str) -> HazardDef | None:
        return None if self.rules is None else self.rules.hazards.get(hazard)

    def unlinked_conflicts(self) -> list[ConflictRow]:
        return [c for c in self.conflicts if c["heritage_fid"] is None]

    def pages(self, *, per_conflict: bool = False) -> list[Page]:
        """Atlas pages, worst severity first, then by name (then id)."""
        pages: list[Page] = []
        if per_conflict:
            for c in self.conflicts:
                her = (
                    self.heritage.get(c["heritage_fid"]) if c["heritage_fid"] is not None else None
                )
                parts = [w for w in (c.wkb, her.wkb if her else None) if w]
                title = (
                    her.name if her else f"{c['site_kind'] or 'site'} {c['site_id'] or ''}".strip()
                )
                pages.append(
                    Page(
                        key=c["conflict_id"],
                        title=title,
                        heritage_fid=c["heritage_fid"],
                        heritage_id=her.heritage_id if her else "",
                        zone=her.zone if her else "",
                        category=her.category if her else "",
                        worst=c.severity,
                        conflict_ids=[c["conflict_id"]],
                        wkb_parts=parts,
                    )
                )
        else:
            by_fid: dict[int, list[ConflictRow]] = {}
            for c in self.conflicts:
                if c["heritage_fid"] is not None:
                    by_fid.setdefault(int(c["heritage_fid"]), []).append(c)
            for fid, rows in by_fid.items():
                her = self.heritage.get(fid)
                first = rows[0]
                parts = [w for w in ([her.wkb] if her else []) + [r.wkb for r in rows] if w]
                pages.append(
                    Page(
                        key=str(fid),
                        title=her.name if her else str(first["heritage_name"] or ""),
                        heritage_fid=fid,
                        heritage_id=her.heritage_id if her else str(first["heritage_id"] or ""),
                        zone=her.zone if her else str(first["zone"] or ""),
                        category=her.category if her else "",
                        worst=max((r.severity for r in rows), key=lambda s: s.rank),
                        conflict_ids=[r["conflict_id"] for r in rows],
                        wkb_parts=parts,
                    )
                )
        pages.sort(key=lambda p: (-p.worst.rank, p.title.casefold(), p.heritage_id, p.key))
        return pages


def severity_color(sev: Severity | str) -> str:
    return SEVERITY_COLORS[Severity.parse(str(sev))]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fields(lyr: Any) -> list[str]:
    d = lyr.GetLayerDefn()
    return [d.GetFieldDefn(i).GetName() for i in range(d.GetFieldCount())]


def _text(v: Any) -> str:
    return "" if v is None else str(v)


def load_report_data(results: str | Path) -> ReportData:
    """Read a results GeoPackage; :class:`InputError` with one line if it is not one."""
    from osgeo import gdal

    gdal.UseExceptions()
    path = Path(results)
    what = f"results file {path}"
    if not path.is_file():
        raise InputError(f"{what}: not found" if not path.exists() else f"{what}: is not a file")
    try:
        ds = gdal.OpenEx(str(path), gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError:
        ds = None
    if ds is None or ds.GetDriver().ShortName != "GPKG":
        with path.open("rb") as fh:
            sqlite = fh.read(16) == b"SQLite format 3\x00"
        if sqlite:  # GDAL does not open a GeoPackage without any layer
            raise InputError(
                f"{what}: not a Heritage Planner results file (an empty database, no layers); "
                "run `heritage-planner analyze --out RESULTS.gpkg` first"
            )
        raise InputError(f"{what}: not a GeoPackage; give the .gpkg written by `analyze --out`")
    names = {ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())}
    missing = [n for n in (LAYER_CONFLICTS, TABLE_RUN) if n not in names]
    if missing:
        raise InputError(
            f"{what}: not a Heritage Planner results file "
            f"(no {', '.join(repr(m) for m in missing)} "
            "layer); run `heritage-planner analyze --out RESULTS.gpkg` first"
        )
    run: dict[str, Any] = {}
    for f in ds.GetLayerByName(TABLE_RUN):
        try:
            run[f.GetField("key")] = json.loads(f.GetField("value"))
        except (TypeError, ValueError):
            continue
    if "rules" not in run:
        raise InputError(f"{what}: its 'run' table has no rules record; the file is incomplete")
    rules = None
    warnings: list[str] = []
    if run.get("rules_text"):
        try:
            rules = parse_rules(run["rules_text"], source=str(run["rules"].get("source", "rules")))
        except Exception as exc:  # noqa: BLE001 - a report should still be possible
            warnings.append(f"rules stored in the results cannot be parsed ({exc})")

    clyr = ds.GetLayerByName(LAYER_CONFLICTS)
    have = set(_fields(clyr))
    lacking = [c for c in ("conflict_id", "rule_id", "severity") if c not in have]
    if lacking:
        raise InputError(f"{what}: layer 'conflicts' lacks column(s) {', '.join(lacking)}")
    srs = clyr.GetSpatialRef()
    crs_wkt = srs.ExportToWkt() if srs is not None else ""
    conflicts: list[ConflictRow] = []
    for f in clyr:
        vals = {
            c: (f.GetField(c) if c in have and f.IsFieldSetAndNotNull(c) else None)
            for c in _CONFLICT_COLUMNS
        }
        try:
            Severity.parse(str(vals["severity"]))
        except ValueError:
            raise InputError(
                f"{what}: conflict {vals['conflict_id']}: unknown severity {vals['severity']!r}"
            ) from None
        g = f.GetGeometryRef()
        conflicts.append(ConflictRow(vals, bytes(g.ExportToIsoWkb()) if g is not None else None))

    heritage: dict[int, HeritageRow] = {}
    exposure: list[ExposureRow] = []
    if LAYER_EXPOSURE in names:
        elyr = ds.GetLayerByName(LAYER_EXPOSURE)
        cols = _fields(elyr)
        frac_cols = [
            c for c in cols if c.startswith("frac_") and c not in ("frac_nodata", "frac_outside")
        ]
        for f in elyr:
            fid = f.GetField("heritage_fid")
            if fid is None:
                continue
            fid = int(fid)
            if fid not in heritage:
                g = f.GetGeometryRef()
                heritage[fid] = HeritageRow(
                    fid,
                    _text(f.GetField("heritage_id")),
                    _text(f.GetField("heritage_name")),
                    _text(f.GetField("zone")),
                    _text(f.GetField("category")),
                    bytes(g.ExportToIsoWkb()) if g is not None else None,
                )
            hz = _text(f.GetField("hazard"))
            hdef = rules.hazards.get(hz) if rules else None
            class_names = list(hdef.class_names) if hdef else [c[5:] for c in frac_cols]
            classes = []
            for name in class_names:
                col = f"frac_{name}"
                if col in cols:
                    classes.append((name, f.GetField(col) if f.IsFieldSetAndNotNull(col) else None))
            exposure.append(
                ExposureRow(
                    heritage_fid=fid,
                    hazard=hz,
                    scenario=_text(f.GetField("scenario")),
                    label=hdef.label if hdef else hz,
                    unit=hdef.unit if hdef else "",
                    mean=f.GetField("mean"),
                    max=f.GetField("max"),
                    worst_class=_text(f.GetField("worst_class")),
                    classes=classes,
                )
            )
    sites: list[tuple[str, str, str, bytes]] = []
    if LAYER_SITE_HAZARD in names:
        seen: set[tuple[str, str]] = set()
        for f in ds.GetLayerByName(LAYER_SITE_HAZARD):
            key = (_text(f.GetField("site_layer")), _text(f.GetField("site_id")))
            g = f.GetGeometryRef()
            if key in seen or g is None:
                continue
            seen.add(key)
            sites.append(
                (key[0], key[1], _text(f.GetField("site_kind")), bytes(g.ExportToIsoWkb()))
            )
    ds = None
    _fill_from_inputs(run, conflicts, heritage, sites, warnings)
    for c in conflicts:  # exposure conflicts carry the heritage polygon
        fid = c["heritage_fid"]
        if fid is not None and int(fid) not in heritage:
            heritage[int(fid)] = HeritageRow(
                int(fid),
                _text(c["heritage_id"]),
                _text(c["heritage_name"]),
                _text(c["zone"]),
                "",
                c.wkb if c["rule_type"] == "exposure" else None,
            )
    return ReportData(
        results=path.resolve(),
        results_sha256=_sha256(path),
        run=run,
        crs_wkt=crs_wkt,
        rules=rules,
        conflicts=conflicts,
        heritage=heritage,
        exposure=exposure,
        sites=sites,
        warnings=warnings,
    )


def _fill_from_inputs(
    run: dict[str, Any],
    conflicts: list[ConflictRow],
    heritage: dict[int, HeritageRow],
    sites: list[tuple[str, str, str, bytes]],
    warnings: list[str],
) -> None:
    """Without hazards the results hold no heritage polygons or sites: read the run's inputs."""
    from pyproj import CRS

    from ..core.geo import reproject
    from ..core.vector import read_vector

    inputs = run.get("inputs", [])
    target = CRS.from_user_input(run["analysis_crs"]) if run.get("analysis_crs") else None
    if not heritage:
        src = next((i for i in inputs if i.get("role") == "heritage"), None)
        if src is not None:
            try:
                data = read_vector(src["source"], what="heritage layer")
            except Exception as exc:  # noqa: BLE001
                warnings.append(
                    f"heritage layer of the run not readable now ({exc}); maps show conflicts only"
                )
            else:
                import shapely

                geoms = (
                    reproject(data.geoms, data.crs, target) if target is not None else data.geoms
                )
                names = {
                    int(c["heritage_fid"]): c for c in conflicts if c["heritage_fid"] is not None
                }
                for fid, g in zip(data.fids, geoms, strict=True):
                    c = names.get(int(fid))
                    heritage[int(fid)] = HeritageRow(
                        int(fid),
                        _text(c["heritage_id"]) if c else str(int(fid)),
                        _text(c["heritage_name"]) if c else "",
                        _text(c["zone"]) if c else "",
                        "",
                        None if g is None else shapely.to_wkb(g),
                    )
    if not sites:
        for src in (i for i in inputs if i.get("role") == "sites"):
            try:
                data = read_vector(src["source"], what="sites layer")
            except Exception:  # noqa: BLE001, S112 - optional context on the maps
                continue
            import shapely

            geoms = reproject(data.geoms, data.crs, target) if target is not None else data.geoms
            for fid, g in zip(data.fids, geoms, strict=True):
                if g is not None:
                    sites.append((data.name, str(int(fid)), "", shapely.to_wkb(g)))
