"""Review decisions on conflicts, kept in the ``review`` table of a results GeoPackage.

A decision is keyed by ``conflict_id`` (stable across re-runs), so a re-run on changed data
carries every decision over: conflicts that still exist keep status, note and reviewer, new
ones start open, vanished ones are kept and marked resolved. No QGIS, no shapely: only GDAL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .definitions import TABLE_REVIEW, ReviewStatus
from .errors import OutputError

#: Columns of the ``review`` table (same order as ``core.output.REVIEW_FIELDS``).
REVIEW_COLUMNS = (
    "conflict_id",
    "status",
    "note",
    "reviewer",
    "updated",
    "rule_id",
    "heritage_name",
    "site_id",
    "message",
)
#: Statuses a person can choose; ``resolved`` is only set by a re-run.
USER_STATUSES = (
    ReviewStatus.OPEN,
    ReviewStatus.ACCEPTED,
    ReviewStatus.MITIGATED,
    ReviewStatus.FALSE_POSITIVE,
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _status(value: Any) -> ReviewStatus:
    try:
        return ReviewStatus(str(value or "open").strip().lower())
    except ValueError:
        return ReviewStatus.OPEN


def normalise(row: Mapping[str, Any]) -> dict[str, Any]:
    """A complete review row with every column, status checked."""
    out: dict[str, Any] = {k: row.get(k) for k in REVIEW_COLUMNS}
    out["conflict_id"] = str(out["conflict_id"] or "")
    out["status"] = _status(out["status"]).value
    for k in ("note", "reviewer"):
        out[k] = "" if out[k] is None else str(out[k])
    return out


@dataclass
class Reconciled:
    """Review rows for a new run, and what changed relative to the previous run."""

    rows: list[dict[str, Any]]
    kept: list[str]  # ids of conflicts that existed before and carry their review over
    new: list[str]  # ids of conflicts seen for the first time
    resolved: list[str]  # ids of conflicts that vanished in this run


def _conflict_fields(c: Any) -> dict[str, Any]:
    get = c.get if isinstance(c, Mapping) else lambda k: getattr(c, k, None)
    return {
        "conflict_id": str(get("conflict_id")),
        "rule_id": get("rule_id"),
        "heritage_name": get("heritage_name"),
        "site_id": get("site_id"),
        "message": get("message"),
    }


def reconcile(
    previous: Iterable[Mapping[str, Any]],
    conflicts: Iterable[Any],
    *,
    when: str | None = None,
) -> Reconciled:
    """Carry ``previous`` review rows over to ``conflicts`` (engine ``Conflict``s or dicts)."""
    stamp = when or now_iso()
    prev = {str(r["conflict_id"]): normalise(r) for r in previous if r.get("conflict_id")}
    rows: list[dict[str, Any]] = []
    kept: list[str] = []
    new: list[str] = []
    seen: set[str] = set()
    for c in conflicts:
        fields = _conflict_fields(c)
        cid = fields["conflict_id"]
        seen.add(cid)
        old = prev.get(cid)
        if old is None:
            new.append(cid)
            rows.append({**normalise({}), **fields, "status": "open", "updated": stamp})
            continue
        kept.append(cid)
        row = {**old, **fields}
        if old["status"] == ReviewStatus.RESOLVED.value:  # it came back
            row.update(status=ReviewStatus.OPEN.value, updated=stamp)
        rows.append(row)
    resolved: list[str] = []
    for cid, old in prev.items():
        if cid in seen:
            continue
        if old["status"] != ReviewStatus.RESOLVED.value:
            old = {**old, "status": ReviewStatus.RESOLVED.value, "updated": stamp}
        resolved.append(cid)
        rows.append(old)
    return Reconciled(rows=rows, kept=kept, new=new, resolved=resolved)


def carry_over(path: str | Path, conflicts: Iterable[Any]) -> Reconciled:
    """Review rows for ``conflicts`` about to replace the results at ``path``: carried over
    from its ``review`` table when the file exists, else all open."""
    previous = read_review(path) if Path(path).exists() else []
    return reconcile(previous, conflicts)


def _gdal():
    from osgeo import gdal, ogr

    gdal.UseExceptions()
    return gdal, ogr


def read_review(path: str | Path) -> list[dict[str, Any]]:
    """Rows of the ``review`` table; empty when the file or table does not exist."""
    p = Path(path)
    if not p.is_file():
        return []
    gdal, _ = _gdal()
    try:
        ds = gdal.OpenEx(str(p), gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError as exc:
        raise OutputError(f"{p}: not a results GeoPackage GDAL can read ({exc})") from None
    try:
        lyr = ds.GetLayerByName(TABLE_REVIEW)
        if lyr is None:
            return []
        defn = lyr.GetLayerDefn()
        names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
        return [normalise({n: f.GetField(n) for n in names}) for f in lyr]
    finally:
        ds = None


def review_by_id(path: str | Path) -> dict[str, dict[str, Any]]:
    return {r["conflict_id"]: r for r in read_review(path)}


def update_review(
    path: str | Path,
    changes: Sequence[Mapping[str, Any]],
    *,
    replace_all: bool = False,
) -> None:
    """Insert or update review rows (by ``conflict_id``) in one SQLite transaction.

    Either every change is stored or none is; layers QGIS has open on the same GeoPackage
    stay valid (the file is updated in place, not replaced).
    """
    p = Path(path)
    if not p.is_file():
        raise OutputError(f"{p}: results GeoPackage not found")
    for ch in changes:
        if not ch.get("conflict_id"):
            raise OutputError(f"{p}: review change without conflict_id")
        if "status" in ch and ch["status"] is not None:
            try:
                ReviewStatus(str(ch["status"]))
            except ValueError:
                allowed = ", ".join(s.value for s in ReviewStatus)
                raise OutputError(
                    f"review status {ch['status']!r} is not one of: {allowed}"
                ) from None
    gdal, ogr = _gdal()
    try:
        ds = gdal.OpenEx(str(p), gdal.OF_VECTOR | gdal.OF_UPDATE)
    except RuntimeError as exc:
        raise OutputError(f"{p}: cannot open for update ({exc})") from None
    try:
        ds.StartTransaction(force=True)
        try:
            lyr = ds.GetLayerByName(TABLE_REVIEW)
            if lyr is None:
                lyr = ds.CreateLayer(TABLE_REVIEW, None, ogr.wkbNone, options=["FID=fid"])
                for name in REVIEW_COLUMNS:
                    lyr.CreateField(ogr.FieldDefn(name, ogr.OFTString))
            defn = lyr.GetLayerDefn()
            have = {defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())}
            for name in REVIEW_COLUMNS:
                if name not in have:
                    lyr.CreateField(ogr.FieldDefn(name, ogr.OFTString))
            defn = lyr.GetLayerDefn()
            existing: dict[str, int] = {}
            for f in lyr:
                existing[str(f.GetField("conflict_id"))] = f.GetFID()
            lyr.ResetReading()
            if replace_all:
                for old_fid in existing.values():
                    lyr.DeleteFeature(old_fid)
                existing = {}
            for ch in changes:
                cid = str(ch["conflict_id"])
                fid = existing.get(cid)
                feat = lyr.GetFeature(fid) if fid is not None else ogr.Feature(defn)
                values = dict(ch)
                values.setdefault("updated", now_iso())
                if fid is None:
                    values = {**normalise(values), "updated": values["updated"]}
                for k, v in values.items():
                    if k not in REVIEW_COLUMNS:
                        continue
                    if v is None:
                        feat.SetFieldNull(k)
                    else:
                        feat.SetField(k, str(v))
                if fid is None:
                    lyr.CreateFeature(feat)
                else:
                    lyr.SetFeature(feat)
        except BaseException:
            ds.RollbackTransaction()
            raise
        ds.CommitTransaction()
    except RuntimeError as exc:
        raise OutputError(f"{p}: could not save the review ({exc})") from None
    finally:
        ds = None


def set_status(
    path: str | Path,
    conflict_id: str,
    status: ReviewStatus | str,
    *,
    note: str | None = None,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """Record one decision; returns the stored row."""
    change: dict[str, Any] = {
        "conflict_id": conflict_id,
        "status": ReviewStatus(str(status)).value,
        "updated": now_iso(),
    }
    if note is not None:
        change["note"] = note
    if reviewer is not None:
        change["reviewer"] = reviewer
    update_review(path, [change])
    return review_by_id(path)[conflict_id]


__all__ = [
    "REVIEW_COLUMNS",
    "USER_STATUSES",
    "Reconciled",
    "read_review",
    "reconcile",
    "review_by_id",
    "set_status",
    "update_review",
]
