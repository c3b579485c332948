"""Results of a run as the dock shows them: rows read from the GeoPackage, a table model
and a sort/filter proxy (severity, rule, free text)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qgis.PyQt.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from qgis.PyQt.QtGui import QColor, QFont

from ..core.definitions import LAYER_CONFLICTS, SEVERITY_COLORS, ReviewStatus, Severity
from ..core.errors import OutputError
from .i18n import tr

SEVERITY_RANK = {s.value: s.rank for s in Severity}
SortRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2


@dataclass
class ConflictRow:
    conflict_id: str
    rule_id: str
    rule_type: str
    severity: str
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
    heritage_fid: int | None
    site_fid: int | None
    wkb: bytes | None = field(default=None, repr=False)
    status: str = ReviewStatus.OPEN.value
    note: str = ""
    reviewer: str = ""
    updated: str = ""


@dataclass
class ResultsData:
    path: Path
    rows: list[ConflictRow]
    crs_wkt: str
    run_info: dict[str, Any]
    resolved: list[dict[str, Any]]  # review rows of conflicts that vanished

    def counts_by_severity(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for r in self.rows:
            out[r.severity] = out.get(r.severity, 0) + 1
        return out


def read_results(path: str | Path) -> ResultsData:
    """Conflicts (with geometry as WKB) and their review state from a results GeoPackage."""
    from osgeo import gdal

    from ..core.review import read_review

    gdal.UseExceptions()
    p = Path(path)
    try:
        ds = gdal.OpenEx(str(p), gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError as exc:
        raise OutputError(f"{p}: not a results GeoPackage ({exc})") from None
    try:
        lyr = ds.GetLayerByName(LAYER_CONFLICTS)
        if lyr is None:
            raise OutputError(f"{p}: no '{LAYER_CONFLICTS}' layer; not a Heritage Planner result")
        srs = lyr.GetSpatialRef()
        crs_wkt = srs.ExportToWkt() if srs is not None else ""
        defn = lyr.GetLayerDefn()
        names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
        raw = []
        for f in lyr:
            vals = {n: (f.GetField(n) if f.IsFieldSetAndNotNull(n) else None) for n in names}
            g = f.GetGeometryRef()
            vals["wkb"] = bytes(g.ExportToIsoWkb()) if g is not None else None
            raw.append(vals)
        run_lyr = ds.GetLayerByName("run")
        run_info: dict[str, Any] = {}
        if run_lyr is not None:
            for f in run_lyr:
                try:
                    run_info[f.GetField("key")] = json.loads(f.GetField("value"))
                except (TypeError, ValueError):
                    continue
    finally:
        ds = None
    review = {r["conflict_id"]: r for r in read_review(p)}
    rows = []
    keys = ConflictRow.__dataclass_fields__
    for vals in raw:
        fields: dict[str, Any] = {k: vals.get(k) for k in keys if k in vals or k == "wkb"}
        row = ConflictRow(**fields)
        rev = review.get(row.conflict_id)
        if rev is not None:
            row.status, row.note = rev["status"], rev["note"]
            row.reviewer, row.updated = rev["reviewer"], rev.get("updated") or ""
        rows.append(row)
    present = {r.conflict_id for r in rows}
    resolved = [
        r
        for r in review.values()
        if r["conflict_id"] not in present and r["status"] == ReviewStatus.RESOLVED.value
    ]
    return ResultsData(p, rows, crs_wkt, run_info, resolved)


def status_label(status: str) -> str:
    return {
        ReviewStatus.OPEN.value: tr("open"),
        ReviewStatus.ACCEPTED.value: tr("accepted"),
        ReviewStatus.MITIGATED.value: tr("mitigated"),
        ReviewStatus.FALSE_POSITIVE.value: tr("false positive"),
        ReviewStatus.RESOLVED.value: tr("resolved"),
    }.get(status, status)


def severity_label(severity: str) -> str:
    return {
        Severity.LOW.value: tr("low"),
        Severity.MEDIUM.value: tr("medium"),
        Severity.HIGH.value: tr("high"),
        Severity.CRITICAL.value: tr("critical"),
    }.get(severity, severity)


def _fmt(v: float | None, digits: int) -> str:
    return "" if v is None else f"{v:.{digits}f}"


class ResultsModel(QAbstractTableModel):
    """Conflict rows; severity column coloured, numeric columns sort as numbers."""

    COL_SEVERITY, COL_STATUS, COL_HERITAGE, COL_SITE, COL_RULE = 0, 1, 2, 3, 4
    COL_HAZARD, COL_VALUE, COL_DISTANCE, COL_MESSAGE = 5, 6, 7, 8

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ConflictRow] = []
        self._headers = [
            tr("Severity"),
            tr("Status"),
            tr("Heritage"),
            tr("Site"),
            tr("Rule"),
            tr("Hazard"),
            tr("Value"),
            tr("Distance (m)"),
            tr("Message"),
        ]

    def set_rows(self, rows: list[ConflictRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[ConflictRow]:
        return list(self._rows)

    def row_at(self, row: int) -> ConflictRow:
        return self._rows[row]

    def update_review(self, conflict_id: str, review: dict[str, Any]) -> None:
        for i, r in enumerate(self._rows):
            if r.conflict_id == conflict_id:
                r.status = review.get("status", r.status)
                r.note = review.get("note", r.note) or ""
                r.reviewer = review.get("reviewer", r.reviewer) or ""
                r.updated = review.get("updated", r.updated) or ""
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802, E501
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def _display(self, r: ConflictRow, col: int) -> str:
        if col == self.COL_SEVERITY:
            return severity_label(r.severity)
        if col == self.COL_STATUS:
            return status_label(r.status)
        if col == self.COL_RULE:
            return r.rule_id
        if col == self.COL_HERITAGE:
            return r.heritage_name or r.heritage_id or ""
        if col == self.COL_SITE:
            if not r.site_id:
                return ""
            return f"{r.site_kind} {r.site_id}".strip() if r.site_kind else r.site_id
        if col == self.COL_HAZARD:
            if not r.hazard:
                return ""
            return f"{r.hazard}@{r.scenario}" if r.scenario else r.hazard
        if col == self.COL_VALUE:
            return _fmt(r.value, 2)
        if col == self.COL_DISTANCE:
            return _fmt(r.distance_m, 1)
        return r.message or ""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == SortRole:
            if col == self.COL_SEVERITY:
                return SEVERITY_RANK.get(r.severity, -1)
            if col == self.COL_VALUE:
                return -1e300 if r.value is None else r.value
            if col == self.COL_DISTANCE:
                return -1e300 if r.distance_m is None else r.distance_m
            return self._display(r, col).casefold()
        if role == RowRole:
            return r
        if role == Qt.ItemDataRole.DecorationRole and col == self.COL_SEVERITY:
            return QColor(SEVERITY_COLORS.get(Severity(r.severity), "#888888"))
        if (
            role == Qt.ItemDataRole.FontRole
            and col == self.COL_SEVERITY
            and r.severity
            in (
                Severity.HIGH.value,
                Severity.CRITICAL.value,
            )
        ):
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_STATUS:
            if r.status in (ReviewStatus.ACCEPTED.value, ReviewStatus.MITIGATED.value):
                return QColor("#1a7f37")
            if r.status == ReviewStatus.FALSE_POSITIVE.value:
                return QColor("#6e7781")
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = r.message or ""
            if r.note:
                tip += "\n" + tr("Note: {note}").format(note=r.note)
            if r.reviewer:
                tip += "\n" + tr("Reviewer: {name}").format(name=r.reviewer)
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.COL_VALUE, self.COL_DISTANCE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ResultsFilter(QSortFilterProxyModel):
    """Filter by severities, one rule (or all) and free text over every column."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self._severities: set[str] | None = None
        self._rule: str = ""
        self._text: str = ""

    def set_severities(self, severities: set[str] | None) -> None:
        self._severities = severities
        self.invalidateFilter()

    def set_rule(self, rule_id: str) -> None:
        self._rule = rule_id or ""
        self.invalidateFilter()

    def set_text(self, text: str) -> None:
        self._text = (text or "").strip().casefold()
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        r: ConflictRow = model.row_at(source_row)
        if self._severities is not None and r.severity not in self._severities:
            return False
        if self._rule and r.rule_id != self._rule:
            return False
        if self._text:
            hay = (
                " ".join(model._display(r, c) for c in range(model.columnCount())).casefold()
                + " "
                + (r.note or "").casefold()
            )
            if self._text not in hay:
                return False
        return True
