"""Scenario comparison: hazard conflicts added and removed from one scenario to the next.

A conflict is "the same" in two scenarios when its rule, heritage feature, site layer and
site agree; the comparison reads the conflicts layers of the jobs' results GeoPackages and
writes a GeoPackage with the layer ``scenario_changes`` and the table ``scenario_summary``,
atomically (temporary file, then rename).
"""

from __future__ import annotations

import json
import os
import secrets
from contextlib import suppress
from pathlib import Path
from typing import Any

LAYER_CHANGES = "scenario_changes"
TABLE_SUMMARY = "scenario_summary"
TABLE_RUN = "run"
CHANGE_FIELDS = [
    ("hazard", "str"),
    ("from_scenario", "str"),
    ("to_scenario", "str"),
    ("change", "str"),
    ("rule_id", "str"),
    ("severity", "str"),
    ("heritage_id", "str"),
    ("heritage_name", "str"),
    ("site_layer", "str"),
    ("site_id", "str"),
    ("value_from", "float"),
    ("value_to", "float"),
    ("message", "str"),
    ("conflict_id", "str"),
]
SUMMARY_FIELDS = [
    ("hazard", "str"),
    ("from_scenario", "str"),
    ("to_scenario", "str"),
    ("added", "int"),
    ("removed", "int"),
    ("kept", "int"),
]


def _ogr() -> Any:
    from osgeo import gdal, ogr

    gdal.UseExceptions()
    return ogr


def read_conflicts(paths: list[Path]) -> tuple[list[dict[str, Any]], str | None]:
    """Hazard conflicts (with geometry WKB) of results GeoPackages, and their CRS as WKT."""
    ogr = _ogr()
    rows: list[dict[str, Any]] = []
    wkt = None
    for p in paths:
        ds = ogr.Open(str(p))
        lyr = ds.GetLayerByName("conflicts")
        if lyr is None:
            continue
        srs = lyr.GetSpatialRef()
        if srs is not None and wkt is None:
            wkt = srs.ExportToWkt()
        for f in lyr:
            if not f.GetField("hazard"):
                continue
            row = {k: f.GetField(k) for k in f.keys()}
            g = f.GetGeometryRef()
            row["_wkb"] = None if g is None else bytes(g.ExportToIsoWkb())
            rows.append(row)
        ds = None
    return rows, wkt


def scenario_changes(
    rows: list[dict[str, Any]], order: dict[str, tuple[str, ...]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(changes, summary) for each hazard in ``order`` between consecutive scenarios."""
    changes: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    for hazard, scenarios in order.items():
        by_scen: dict[str, dict[tuple, dict[str, Any]]] = {s: {} for s in scenarios}
        for r in rows:
            if r.get("hazard") == hazard and (r.get("scenario") or "") in by_scen:
                key = (
                    r["rule_id"],
                    r["heritage_id"] or "",
                    r["site_layer"] or "",
                    r["site_id"] or "",
                )
                by_scen[r.get("scenario") or ""][key] = r
        for a, b in zip(scenarios, scenarios[1:], strict=False):
            old, new = by_scen[a], by_scen[b]
            added = sorted(set(new) - set(old))
            removed = sorted(set(old) - set(new))
            summary.append(
                {
                    "hazard": hazard,
                    "from_scenario": a,
                    "to_scenario": b,
                    "added": len(added),
                    "removed": len(removed),
                    "kept": len(set(old) & set(new)),
                }
            )
            for kind, keys, src in (("added", added, new), ("removed", removed, old)):
                for k in keys:
                    r = src[k]
                    changes.append(
                        {
                            "hazard": hazard,
                            "from_scenario": a,
                            "to_scenario": b,
                            "change": kind,
                            "rule_id": r["rule_id"],
                            "severity": r["severity"],
                            "heritage_id": r["heritage_id"],
                            "heritage_name": r["heritage_name"],
                            "site_layer": r["site_layer"],
                            "site_id": r["site_id"],
                            "value_from": old[k]["value"] if k in old else None,
                            "value_to": new[k]["value"] if k in new else None,
                            "message": r["message"],
                            "conflict_id": r["conflict_id"],
                            "_wkb": r.get("_wkb"),
                        }
                    )
    return changes, summary


def write_changes(
    out: Path,
    changes: list[dict[str, Any]],
    summary: list[dict[str, Any]],
    *,
    crs_wkt: str | None,
    info: dict[str, Any],
) -> Path:
    """Write the comparison GeoPackage atomically (replaces ``out``)."""
    from osgeo import gdal, osr

    ogr = _ogr()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.part-{os.getpid()}-{secrets.token_hex(4)}.gpkg")
    types = {"str": ogr.OFTString, "float": ogr.OFTReal, "int": ogr.OFTInteger64}
    try:
        ds = gdal.GetDriverByName("GPKG").Create(str(tmp), 0, 0, 0, gdal.GDT_Unknown)
        srs = None
        if crs_wkt:
            srs = osr.SpatialReference()
            srs.ImportFromWkt(crs_wkt)
            srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        for name, geom_type, fields, rows in (
            (LAYER_CHANGES, ogr.wkbUnknown, CHANGE_FIELDS, changes),
            (TABLE_SUMMARY, ogr.wkbNone, SUMMARY_FIELDS, summary),
            (
                TABLE_RUN,
                ogr.wkbNone,
                [("key", "str"), ("value", "str")],
                [{"key": k, "value": json.dumps(v)} for k, v in info.items()],
            ),
        ):
            lyr = ds.CreateLayer(
                name, srs if geom_type != ogr.wkbNone else None, geom_type, options=["FID=fid"]
            )
            for fname, kind in fields:
                lyr.CreateField(ogr.FieldDefn(fname, types[kind]))
            lyr.StartTransaction()
            for r in rows:
                f = ogr.Feature(lyr.GetLayerDefn())
                for fname, _ in fields:
                    v = r.get(fname)
                    if v is None:
                        f.SetFieldNull(fname)
                    else:
                        f.SetField(fname, v)
                if r.get("_wkb"):
                    f.SetGeometry(ogr.CreateGeometryFromWkb(r["_wkb"]))
                lyr.CreateFeature(f)
            lyr.CommitTransaction()
        ds = None
        os.replace(tmp, out)
    except BaseException:
        ds = None
        for p in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with suppress(OSError):
                p.unlink()
        raise
    return out


def read_fingerprint(path: Path) -> str | None:
    """The fingerprint stored in a comparison GeoPackage (None if absent/unreadable)."""
    if not path.is_file():
        return None
    ogr = _ogr()
    try:
        ds = ogr.Open(str(path))
        lyr = ds.GetLayerByName(TABLE_RUN)
        value = next((json.loads(f["value"]) for f in lyr if f["key"] == "fingerprint"), None)
        ds = None
    except (RuntimeError, AttributeError, ValueError):
        return None
    return value if isinstance(value, str) else None
