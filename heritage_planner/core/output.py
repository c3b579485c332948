"""Results GeoPackage: written under a temporary name in the target folder, renamed at the end.

A failed or interrupted run leaves nothing behind and never touches an existing output.
"""

from __future__ import annotations

import json
import os
import secrets
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from .definitions import LAYER_CONFLICTS, LAYER_EXPOSURE, LAYER_SITE_HAZARD, TABLE_REVIEW, TABLE_RUN
from .engine import AnalysisResult
from .errors import CancelledError, OutputError

CONFLICT_FIELDS = [
    ("conflict_id", "str"),
    ("rule_id", "str"),
    ("rule_type", "str"),
    ("severity", "str"),
    ("heritage_id", "str"),
    ("heritage_name", "str"),
    ("zone", "str"),
    ("site_layer", "str"),
    ("site_id", "str"),
    ("site_kind", "str"),
    ("hazard", "str"),
    ("scenario", "str"),
    ("value", "float"),
    ("distance_m", "float"),
    ("message", "str"),
    ("heritage_fid", "int"),
    ("site_fid", "int"),
]
REVIEW_FIELDS = [
    ("conflict_id", "str"),
    ("status", "str"),
    ("note", "str"),
    ("reviewer", "str"),
    ("updated", "str"),
    ("rule_id", "str"),
    ("heritage_name", "str"),
    ("site_id", "str"),
    ("message", "str"),
]


def check_output_path(out: str | Path, *, overwrite: bool = False) -> Path:
    """Fail early (before any work) if ``out`` cannot be written."""
    p = Path(out)
    if p.suffix.lower() != ".gpkg":
        raise OutputError(f"--out {p}: must end in .gpkg (a GeoPackage)")
    if p.exists() and not overwrite:
        raise OutputError(f"--out {p}: already exists; pass --overwrite to replace it")
    if p.exists() and p.is_dir():
        raise OutputError(f"--out {p}: is a folder")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"--out {p}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"--out {p}: folder {parent} is not writable")
    return p


def _ogr():
    from osgeo import gdal, ogr, osr

    gdal.UseExceptions()
    return gdal, ogr, osr


def _add_fields(lyr: Any, fields: Sequence[tuple[str, str]]) -> None:
    _, ogr, _ = _ogr()
    types = {"str": ogr.OFTString, "float": ogr.OFTReal, "int": ogr.OFTInteger64}
    for name, kind in fields:
        lyr.CreateField(ogr.FieldDefn(name, types[kind]))


def _set(feat: Any, name: str, value: Any) -> None:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        feat.SetFieldNull(name)
    elif isinstance(value, (np.floating, float)):
        feat.SetField(name, float(value))
    elif isinstance(value, (np.integer, int)):
        feat.SetField(name, int(value))
    else:
        feat.SetField(name, str(value))


def _write_layer(
    ds: Any,
    name: str,
    srs: Any,
    geom_type: int,
    fields: Sequence[tuple[str, str]],
    rows: Iterable[tuple[Any, dict[str, Any]]],
    cancel: Callable[[], bool] | None,
) -> None:
    _, ogr, _ = _ogr()
    lyr = ds.CreateLayer(name, srs, geom_type, options=["SPATIAL_INDEX=YES", "FID=fid"])
    _add_fields(lyr, fields)
    defn = lyr.GetLayerDefn()
    lyr.StartTransaction()
    for n, (geom, values) in enumerate(rows):
        if cancel is not None and n % 5000 == 0 and cancel():
            raise CancelledError()
        feat = ogr.Feature(defn)
        for k, v in values.items():
            _set(feat, k, v)
        if geom is not None and not shapely.is_empty(geom):
            g = ogr.CreateGeometryFromWkb(shapely.to_wkb(geom))
            if geom_type == ogr.wkbMultiPolygon:
                g = ogr.ForceToMultiPolygon(g)
            feat.SetGeometry(g)
        lyr.CreateFeature(feat)
    lyr.CommitTransaction()


def _write_table(
    ds: Any, name: str, fields: Sequence[tuple[str, str]], rows: Iterable[dict]
) -> None:
    _, ogr, _ = _ogr()
    lyr = ds.CreateLayer(name, None, ogr.wkbNone, options=["FID=fid"])
    _add_fields(lyr, fields)
    defn = lyr.GetLayerDefn()
    lyr.StartTransaction()
    for values in rows:
        feat = ogr.Feature(defn)
        for k, v in values.items():
            _set(feat, k, v)
        lyr.CreateFeature(feat)
    lyr.CommitTransaction()


def write_results(
    result: AnalysisResult,
    out: str | Path,
    *,
    overwrite: bool = False,
    review: list[dict[str, Any]] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write ``result`` to the GeoPackage ``out`` atomically (temp file + rename)."""
    gdal, ogr, osr = _ogr()
    target = check_output_path(out, overwrite=overwrite)
    tmp = target.with_name(f".{target.stem}.part-{os.getpid()}-{secrets.token_hex(4)}.gpkg")
    try:
        drv = gdal.GetDriverByName("GPKG")
        ds = drv.Create(str(tmp), 0, 0, 0, gdal.GDT_Unknown)
        srs = osr.SpatialReference()
        srs.ImportFromWkt(result.analysis_crs.to_wkt())
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        _write_exposure(ds, srs, result, is_cancelled)
        _write_site_hazard(ds, srs, result, is_cancelled)
        _write_layer(
            ds,
            LAYER_CONFLICTS,
            srs,
            ogr.wkbUnknown,
            CONFLICT_FIELDS,
            (
                (
                    c.geometry,
                    {
                        **{k: getattr(c, k) for k, _ in CONFLICT_FIELDS},
                        "rule_type": c.rule_type.value,
                        "severity": c.severity.value,
                    },
                )
                for c in result.conflicts
            ),
            is_cancelled,
        )
        info = dict(result.run_info)
        info["warnings"] = list(result.warnings)
        info["counts_by_severity"] = result.counts_by_severity()
        info["counts_by_rule"] = result.counts_by_rule()
        info["rules_text"] = result.rules.text
        _write_table(
            ds,
            TABLE_RUN,
            [("key", "str"), ("value", "str")],
            ({"key": k, "value": json.dumps(v, ensure_ascii=False)} for k, v in info.items()),
        )
        _write_table(ds, TABLE_REVIEW, REVIEW_FIELDS, review or [])
        ds.FlushCache()
        ds = None
        if is_cancelled is not None and is_cancelled():
            raise CancelledError()
        os.replace(tmp, target)
    except BaseException as exc:
        # frames kept alive by the traceback still hold the dataset: clear them so that it
        # closes (and rolls back) now, before its file is removed
        traceback.clear_frames(exc.__traceback__)
        ds = None
        for p in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with suppress(OSError):
                p.unlink()
        raise
    return target


def _write_exposure(ds: Any, srs: Any, result: AnalysisResult, cancel: Any) -> None:
    _, ogr, _ = _ogr()
    fields, rows = exposure_rows(result)
    _write_layer(ds, LAYER_EXPOSURE, srs, ogr.wkbMultiPolygon, fields, rows, cancel)


def _write_site_hazard(ds: Any, srs: Any, result: AnalysisResult, cancel: Any) -> None:
    _, ogr, _ = _ogr()
    fields, rows = site_hazard_rows(result)
    _write_layer(ds, LAYER_SITE_HAZARD, srs, ogr.wkbUnknown, fields, rows, cancel)


def exposure_rows(result: AnalysisResult) -> tuple[list[tuple[str, str]], Iterator]:
    """Fields and (geometry, values) rows of the ``exposure`` layer; every front end that
    writes exposure (GeoPackage, Processing sinks) uses these columns."""
    class_cols: list[str] = []
    for t in result.exposure:
        for name in t.hazard.class_names:
            if f"frac_{name}" not in class_cols:
                class_cols.append(f"frac_{name}")
    fields = [
        ("heritage_id", "str"),
        ("heritage_name", "str"),
        ("zone", "str"),
        ("category", "str"),
        ("hazard", "str"),
        ("scenario", "str"),
        ("min", "float"),
        ("max", "float"),
        ("mean", "float"),
        *[(c, "float") for c in class_cols],
        ("frac_nodata", "float"),
        ("frac_outside", "float"),
        ("worst_class", "str"),
        ("heritage_fid", "int"),
    ]
    her = result.heritage

    def rows() -> Iterator:
        for t in result.exposure:
            s, names = t.stats, t.hazard.class_names
            for i in range(len(her.ids)):
                v = {
                    "heritage_id": her.ids[i],
                    "heritage_name": her.names[i],
                    "zone": her.zones[i],
                    "category": her.categories[i],
                    "hazard": t.input.hazard,
                    "scenario": t.input.scenario,
                    "min": s.min[i],
                    "max": s.max[i],
                    "mean": s.mean[i],
                    "frac_nodata": s.frac_nodata[i],
                    "frac_outside": s.frac_outside[i],
                    "worst_class": names[s.worst_class[i]] if s.worst_class[i] >= 0 else None,
                    "heritage_fid": int(her.data.fids[i]),
                }
                for k, name in enumerate(names):
                    v[f"frac_{name}"] = s.frac_class[i, k]
                yield her.geoms[i], v

    return fields, rows()


def site_hazard_rows(result: AnalysisResult) -> tuple[list[tuple[str, str]], Iterator]:
    """Fields and (geometry, values) rows of the ``site_hazard`` layer."""
    fields = [
        ("site_layer", "str"),
        ("site_id", "str"),
        ("site_kind", "str"),
        ("hazard", "str"),
        ("scenario", "str"),
        ("value", "float"),
        ("class", "str"),
        ("site_fid", "int"),
    ]
    by_layer = {s.layer: s for s in result.sites}

    def rows() -> Iterator:
        for t in result.site_hazard:
            s, names = by_layer[t.layer], t.hazard.class_names
            for i in range(len(s.ids)):
                yield (
                    s.geoms[i],
                    {
                        "site_layer": s.layer,
                        "site_id": s.ids[i],
                        "site_kind": s.kinds[i],
                        "hazard": t.input.hazard,
                        "scenario": t.input.scenario,
                        "value": t.values[i],
                        "class": names[t.classes[i]] if t.classes[i] >= 0 else None,
                        "site_fid": int(s.data.fids[i]),
                    },
                )

    return fields, rows()


def read_table(path: str | Path, name: str) -> list[dict[str, Any]]:
    """Rows of a non-spatial table (``run``, ``review``) of a results GeoPackage."""
    gdal, _, _ = _ogr()
    ds = gdal.OpenEx(str(path), gdal.OF_VECTOR | gdal.OF_READONLY)
    lyr = ds.GetLayerByName(name)
    if lyr is None:
        return []
    defn = lyr.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    rows = [{n: f.GetField(n) for n in names} for f in lyr]
    ds = None
    return rows


def read_run_info(path: str | Path) -> dict[str, Any]:
    return {r["key"]: json.loads(r["value"]) for r in read_table(path, TABLE_RUN)}
