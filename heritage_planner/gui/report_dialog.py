"""Options of the PDF report, remembered per user (``QgsSettings``): organisation, logo, template,
page size and orientation, which features get a page, and the zones drawn on the maps."""

from __future__ import annotations

from typing import Any

from qgis.core import QgsMapLayerProxyModel, QgsProject
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from .i18n import tr
from .settings import set_user_value, user_value

#: QgsSettings keys (under the plugin's prefix) and their defaults
REPORT_SETTINGS = {
    "report_organisation": "",
    "report_logo": "",
    "report_template": "",
    "report_page_size": "A4",
    "report_orientation": "landscape",
    "report_min_severity": "",
    "report_per_conflict": False,
}


def saved_report_options() -> dict[str, Any]:
    """The user's report options as ``build_report`` keyword arguments (empty ones left out)."""
    get = {k: user_value(k, d) for k, d in REPORT_SETTINGS.items()}
    opts: dict[str, Any] = {
        "page_size": str(get["report_page_size"] or "A4"),
        "orientation": str(get["report_orientation"] or "landscape"),
        "per_conflict": str(get["report_per_conflict"]).lower() in ("true", "1"),
    }
    for key, arg in (
        ("report_organisation", "organisation"),
        ("report_logo", "logo"),
        ("report_template", "template"),
        ("report_min_severity", "min_severity"),
    ):
        if str(get[key] or "").strip():
            opts[arg] = str(get[key]).strip()
    return opts


class ReportOptionsDialog(QDialog):
    """Asked before a PDF export; what the user picks becomes the new default."""

    def __init__(self, parent: QWidget | None = None, *, project: QgsProject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("heritagePlannerReportOptions")
        self.setWindowTitle(tr("PDF report"))
        opts = saved_report_options()
        form = QFormLayout(self)
        self.organisation = QLineEdit(opts.get("organisation", ""))
        self.organisation.setPlaceholderText(tr("e.g. George Town World Heritage Incorporated"))
        form.addRow(tr("Organisation"), self.organisation)
        self.logo = QgsFileWidget()
        self.logo.setFilter(tr("Images (*.png *.jpg *.jpeg *.svg)"))
        self.logo.setFilePath(opts.get("logo", ""))
        form.addRow(tr("Logo"), self.logo)
        self.template = QgsFileWidget()
        self.template.setFilter(tr("QGIS layout templates (*.qpt)"))
        self.template.setFilePath(opts.get("template", ""))
        self.template.lineEdit().setPlaceholderText(tr("built-in template"))
        form.addRow(tr("Template"), self.template)
        self.page_size = QComboBox()
        self.page_size.addItems(["A4", "A3"])
        self.page_size.setCurrentText(opts["page_size"])
        form.addRow(tr("Page size"), self.page_size)
        self.orientation = QComboBox()
        self.orientation.addItem(tr("Landscape"), "landscape")
        self.orientation.addItem(tr("Portrait"), "portrait")
        self.orientation.setCurrentIndex(max(self.orientation.findData(opts["orientation"]), 0))
        form.addRow(tr("Orientation"), self.orientation)
        self.min_severity = QComboBox()
        self.min_severity.addItem(tr("every affected feature"), "")
        for sev, label in (
            ("medium", tr("medium or worse")),
            ("high", tr("high or worse")),
            ("critical", tr("critical only")),
        ):
            self.min_severity.addItem(label, sev)
        self.min_severity.setCurrentIndex(
            max(self.min_severity.findData(opts.get("min_severity", "")), 0)
        )
        form.addRow(tr("Feature pages"), self.min_severity)
        self.per_conflict = QCheckBox(tr("one page per conflict"))
        self.per_conflict.setChecked(bool(opts["per_conflict"]))
        form.addRow("", self.per_conflict)
        self.zones = QgsMapLayerComboBox()
        self.zones.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.zones.setAllowEmptyLayer(True)
        self.zones.setLayer(None)
        if project is not None:
            for lyr in project.mapLayers().values():
                if "zone" in lyr.name().lower():
                    self.zones.setLayer(lyr)
                    break
        form.addRow(tr("Zones on the maps"), self.zones)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def options(self) -> dict[str, Any]:
        """``build_report`` keyword arguments; also stored as the user's new defaults."""
        values = {
            "report_organisation": self.organisation.text().strip(),
            "report_logo": self.logo.filePath().strip(),
            "report_template": self.template.filePath().strip(),
            "report_page_size": self.page_size.currentText(),
            "report_orientation": self.orientation.currentData(),
            "report_min_severity": self.min_severity.currentData() or "",
            "report_per_conflict": self.per_conflict.isChecked(),
        }
        for key, value in values.items():
            set_user_value(key, value)
        opts = saved_report_options()
        lyr = self.zones.currentLayer()
        if lyr is not None and lyr.providerType() == "ogr":
            opts["zones"] = lyr.source()
        return opts
