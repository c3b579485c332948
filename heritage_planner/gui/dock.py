"""The Heritage Planner dock: choose layers and rules, run in the background, review results."""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsMapLayer,
    QgsMapLayerProxyModel,
    QgsMessageLog,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import (
    QgsCollapsibleGroupBox,
    QgsDockWidget,
    QgsFileWidget,
    QgsFilterLineEdit,
    QgsMapLayerComboBox,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QGuiApplication
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.definitions import SEVERITY_COLORS, Severity
from ..core.errors import HeritagePlannerError, InputError
from .adapters import RasterExporter, VectorSnapshot, unique_names
from .deps import Missing, report
from .i18n import tr
from .results import ConflictRow, ResultsData, ResultsFilter, ResultsModel, RowRole, severity_label
from .settings import HazardChoice, ProjectSettings, set_user_value, user_value
from .styling import OUTPUT_PROPERTY
from .task import LOG_TAG, AnalysisTask, RunPlan

#: Words in a raster layer's name that suggest a hazard id of the rules.
HAZARD_HINTS = {
    "flood": ("flood", "banjir", "inund"),
    "heat": ("heat", "lst", "temperature", "suhu"),
    "slr": ("slr", "sea", "laut"),
}


def log(message: str, level: Qgis.MessageLevel = Qgis.MessageLevel.Info) -> None:
    QgsMessageLog.logMessage(message, LOG_TAG, level)


def report_available() -> bool:
    """Whether the PDF report module (heritage_planner.layouts.report) is installed."""
    try:
        return importlib.util.find_spec("heritage_planner.layouts.report") is not None
    except (ImportError, ValueError):
        return False


def safe_run_name(text: str) -> str:
    name = re.sub(r"[^\w\-]+", "_", (text or "").strip(), flags=re.UNICODE).strip("_")
    return name or "heritage_check"


class HeritagePlannerDock(QgsDockWidget):
    """Inputs, Run/Cancel with progress, the conflict table with filters, and review."""

    def __init__(self, iface: Any, *, missing: list[Missing] | None = None, parent: Any = None):
        super().__init__(tr("Heritage Planner"), parent)
        self.setObjectName("HeritagePlannerDock")
        self.iface = iface
        self.project = QgsProject.instance()
        self.missing = list(missing or [])
        self.task: AnalysisTask | None = None
        self.report_task: Any = None
        self._dialog: Any = None  # the open review / report-options dialog
        self.results: ResultsData | None = None
        self.settings = ProjectSettings()
        self.exporter = RasterExporter()
        self._hidden_output: tuple[Path, str, dict[str, Any]] | None = None
        self._rules: Any = None
        self._connections: list[tuple[Any, Any]] = []
        self._build()
        self._connect(self.project.readProject, self._on_project_read)
        self._connect(self.project.cleared, self._on_project_cleared)
        self._connect(self.project.layersAdded, self._refresh_layer_lists)
        self._connect(self.project.layersRemoved, self._refresh_layer_lists)
        self._show_missing()
        self.check_rules(quiet=True)
        self.restore_project_settings()

    # ------------------------------------------------------------------ building
    def _connect(self, signal: Any, slot: Any) -> None:
        signal.connect(slot)
        self._connections.append((signal, slot))

    def _build(self) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("HeritagePlannerBody")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(6, 6, 6, 6)

        self.deps_box = QFrame()
        self.deps_box.setObjectName("depsBox")
        self.deps_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.deps_box.setStyleSheet(
            "#depsBox { background: #fff4e5; border: 1px solid #f0a030; border-radius: 4px; }"
        )
        deps_layout = QVBoxLayout(self.deps_box)
        self.deps_label = QLabel()
        self.deps_label.setObjectName("depsLabel")
        self.deps_label.setWordWrap(True)
        self.deps_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        deps_layout.addWidget(self.deps_label)
        self.copy_deps_button = QPushButton(tr("Copy install commands"))
        self.copy_deps_button.clicked.connect(self._copy_install_commands)
        deps_layout.addWidget(self.copy_deps_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.deps_box.hide()
        outer.addWidget(self.deps_box)

        self.inputs_box = QgsCollapsibleGroupBox(tr("Inputs"))
        self.inputs_box.setObjectName("inputsBox")
        form = QFormLayout(self.inputs_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.heritage_combo = QgsMapLayerComboBox()
        self.heritage_combo.setObjectName("heritageLayer")
        self.heritage_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.heritage_combo.setAllowEmptyLayer(True)
        self.heritage_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.heritage_combo.setToolTip(tr("Protected heritage buildings or areas (polygons)"))
        form.addRow(tr("Heritage layer"), self.heritage_combo)

        self.sites_list = QListWidget()
        self.sites_list.setObjectName("siteLayers")
        self.sites_list.setMaximumHeight(86)
        self.sites_list.setToolTip(tr("Planned infrastructure sites: points, lines or polygons"))
        form.addRow(tr("Sites layers"), self.sites_list)

        self.hazards_table = QTableWidget(0, 3)
        self.hazards_table.setObjectName("hazardRasters")
        self.hazards_table.setHorizontalHeaderLabels([tr("Raster"), tr("Hazard"), tr("Scenario")])
        self.hazards_table.verticalHeader().hide()
        header = self.hazards_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 80)
        header.resizeSection(2, 96)
        self.hazards_table.verticalHeader().setDefaultSectionSize(24)
        self.hazards_table.setMaximumHeight(110)
        self.hazards_table.setToolTip(
            tr("Tick the hazard rasters to use and map each to a hazard of the rules")
        )
        form.addRow(tr("Hazard rasters"), self.hazards_table)

        rules_row = QHBoxLayout()
        self.rules_file = QgsFileWidget()
        self.rules_file.setObjectName("rulesFile")
        self.rules_file.setFilter(tr("Rules (*.toml)"))
        self.rules_file.lineEdit().setPlaceholderText(tr("built-in rules"))
        self.rules_file.fileChanged.connect(lambda _path: self.check_rules(quiet=True))
        rules_row.addWidget(self.rules_file, 1)
        self.check_rules_button = QPushButton(tr("Check"))
        self.check_rules_button.setObjectName("checkRules")
        self.check_rules_button.setToolTip(tr("Validate the rules file and show any errors"))
        self.check_rules_button.clicked.connect(lambda: self.check_rules(quiet=False))
        rules_row.addWidget(self.check_rules_button)
        self.rules_status = QLabel()
        self.rules_status.setObjectName("rulesStatus")
        self.rules_status.setWordWrap(True)
        self.rules_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rules_box = QWidget()
        rules_layout = QVBoxLayout(rules_box)
        rules_layout.setContentsMargins(0, 0, 0, 0)
        rules_layout.setSpacing(2)
        rules_layout.addLayout(rules_row)
        rules_layout.addWidget(self.rules_status)
        form.addRow(tr("Rules"), rules_box)

        self.output_folder = QgsFileWidget()
        self.output_folder.setObjectName("outputFolder")
        self.output_folder.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.output_folder.setToolTip(tr("Folder for the results GeoPackage"))
        form.addRow(tr("Output folder"), self.output_folder)
        self.run_name = QLineEdit("heritage_check")
        self.run_name.setObjectName("runName")
        self.run_name.setToolTip(tr("Name of the run: the GeoPackage and the layer group"))
        form.addRow(tr("Run name"), self.run_name)
        outer.addWidget(self.inputs_box)

        run_row = QHBoxLayout()
        self.run_button = QPushButton(QgsApplication.getThemeIcon("/mActionStart.svg"), tr("Run"))
        self.run_button.setObjectName("runButton")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setObjectName("progressBar")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.progress, 1)
        outer.addLayout(run_row)
        self.status_label = QLabel(tr("Ready."))
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        outer.addWidget(self.status_label)

        self.results_box = QgsCollapsibleGroupBox(tr("Conflicts"))
        self.results_box.setObjectName("resultsBox")
        res = QVBoxLayout(self.results_box)
        self.summary = QLabel()
        self.summary.setObjectName("summaryStrip")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        res.addWidget(self.summary)
        filters = QHBoxLayout()
        self.severity_filter = QComboBox()
        self.severity_filter.setObjectName("severityFilter")
        self.severity_filter.addItem(tr("All severities"), "")
        for sev in reversed(list(Severity)):
            self.severity_filter.addItem(severity_label(sev.value), sev.value)
        self.rule_filter = QComboBox()
        self.rule_filter.setObjectName("ruleFilter")
        self.rule_filter.addItem(tr("All rules"), "")
        self.text_filter = QgsFilterLineEdit()
        self.text_filter.setObjectName("textFilter")
        self.text_filter.setShowSearchIcon(True)
        self.text_filter.setPlaceholderText(tr("Search…"))
        for combo in (self.severity_filter, self.rule_filter):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        filters.addWidget(self.severity_filter)
        filters.addWidget(self.rule_filter)
        filters.addWidget(self.text_filter, 1)
        res.addLayout(filters)

        self.model = ResultsModel(self)
        self.proxy = ResultsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("conflictsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ResultsModel.COL_SEVERITY, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setMinimumHeight(200)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        res.addWidget(self.table, 1)
        self.severity_filter.currentIndexChanged.connect(self._apply_filters)
        self.rule_filter.currentIndexChanged.connect(self._apply_filters)
        self.text_filter.textChanged.connect(self._apply_filters)

        buttons = QHBoxLayout()
        self.review_button = QPushButton(tr("Review…"))
        self.review_button.setObjectName("reviewButton")
        self.review_button.setToolTip(tr("Set status, note and reviewer of the selected conflicts"))
        self.review_button.clicked.connect(self.review_selected)
        self.zoom_button = QPushButton(
            QgsApplication.getThemeIcon("/mActionZoomToSelected.svg"), tr("Zoom to")
        )
        self.zoom_button.setObjectName("zoomButton")
        self.zoom_button.clicked.connect(self._zoom_selected)
        buttons.addWidget(self.review_button)
        buttons.addWidget(self.zoom_button)
        buttons.addStretch(1)
        # --- Export PDF: wired to heritage_planner.layouts.report.build_report when present ---
        self.pdf_button = QPushButton(tr("Export PDF…"))
        self.pdf_button.setObjectName("exportPdfButton")
        self.pdf_button.setToolTip(tr("Write a PDF report of these results"))
        self.pdf_button.clicked.connect(self.export_pdf)
        self.pdf_button.setVisible(report_available())
        buttons.addWidget(self.pdf_button)
        res.addLayout(buttons)
        outer.addWidget(self.results_box, 1)

        scroll.setWidget(body)
        self.setWidget(scroll)
        self._show_results(None)
        self._refresh_layer_lists()

    # ------------------------------------------------------------------ dependencies
    def _show_missing(self) -> None:
        text = report(self.missing)
        self.deps_box.setVisible(bool(self.missing))
        if not self.missing:
            return
        lines = text.splitlines()
        body = "<br>".join(
            f"<code>{html.escape(line.strip())}</code>"
            if line.startswith("  ") and not line.strip().startswith("•")
            else html.escape(line)
            for line in lines
        )
        self.deps_label.setText(f"<b>{html.escape(tr('Missing dependencies'))}</b><br>{body}")
        self.run_button.setEnabled(False)
        self.run_button.setToolTip(tr("Install the missing Python packages first"))
        log(text, Qgis.MessageLevel.Warning)

    def _copy_install_commands(self) -> None:
        from .deps import install_commands

        QGuiApplication.clipboard().setText("\n".join(install_commands(self.missing)))

    # ------------------------------------------------------------------ layer lists
    def _is_output(self, layer: QgsMapLayer) -> bool:
        return bool(layer.customProperty(OUTPUT_PROPERTY, False))

    def _refresh_layer_lists(self, *_args: Any) -> None:
        checked_sites = set(self.checked_site_layer_ids())
        if self.sites_list.count() == 0:
            checked_sites |= set(self.settings.site_layers)
        current = {h.layer_id: h for h in self.hazard_choices(all_rows=True)}
        for h in self.settings.hazards:
            current.setdefault(h.layer_id, h)
        self.sites_list.clear()
        self.hazards_table.setRowCount(0)
        layers = [lyr for lyr in self.project.mapLayers().values() if not self._is_output(lyr)]
        layers.sort(key=lambda lyr: lyr.name().casefold())
        for lyr in layers:
            if isinstance(lyr, QgsVectorLayer) and lyr.isSpatial():
                item = QListWidgetItem(lyr.name())
                item.setData(Qt.ItemDataRole.UserRole, lyr.id())
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                on = lyr.id() in checked_sites
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                item.setIcon(QgsApplication.getThemeIcon(_geom_icon(lyr)))
                self.sites_list.addItem(item)
            elif isinstance(lyr, QgsRasterLayer):
                self._add_hazard_row(lyr, current.get(lyr.id()))
        excluded = [lyr for lyr in self.project.mapLayers().values() if self._is_output(lyr)]
        self.heritage_combo.setExceptedLayerList(excluded)

    def _hazard_ids(self) -> list[str]:
        return list(self._rules.hazards) if self._rules is not None else ["flood", "heat", "slr"]

    def _guess_hazard(self, name: str) -> str:
        low = name.casefold()
        ids = self._hazard_ids()
        for hid in ids:
            if hid.casefold() in low:
                return hid
        for hid in ids:
            if any(w in low for w in HAZARD_HINTS.get(hid, ())):
                return hid
        return ""

    def _add_hazard_row(self, layer: QgsRasterLayer, choice: HazardChoice | None) -> None:
        row = self.hazards_table.rowCount()
        self.hazards_table.insertRow(row)
        item = QTableWidgetItem(layer.name())
        item.setData(Qt.ItemDataRole.UserRole, layer.id())
        item.setFlags(
            Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
        )
        guess = self._guess_hazard(layer.name())
        checked = choice.checked if choice is not None else bool(guess)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.hazards_table.setItem(row, 0, item)
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.addItem("", "")
        for hid in self._hazard_ids():
            label = self._rules.hazards[hid].label if self._rules is not None else hid
            combo.addItem(hid, hid)
            combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        hid = choice.hazard if choice is not None else guess
        idx = combo.findData(hid)
        combo.setCurrentIndex(max(idx, 0))
        self.hazards_table.setCellWidget(row, 1, combo)
        scen = QTableWidgetItem(choice.scenario if choice is not None else "")
        scen.setToolTip(tr("Optional scenario, e.g. 2050-ssp585"))
        self.hazards_table.setItem(row, 2, scen)

    def checked_site_layer_ids(self) -> list[str]:
        out = []
        for i in range(self.sites_list.count()):
            it = self.sites_list.item(i)
            if it.checkState() == Qt.CheckState.Checked:
                out.append(str(it.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_site_layers(self, layer_ids: list[str]) -> None:
        wanted = set(layer_ids)
        for i in range(self.sites_list.count()):
            it = self.sites_list.item(i)
            on = it.data(Qt.ItemDataRole.UserRole) in wanted
            it.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def hazard_choices(self, *, all_rows: bool = False) -> list[HazardChoice]:
        out = []
        for row in range(self.hazards_table.rowCount()):
            item = self.hazards_table.item(row, 0)
            combo = self.hazards_table.cellWidget(row, 1)
            scen = self.hazards_table.item(row, 2)
            if item is None or combo is None:
                continue
            checked = item.checkState() == Qt.CheckState.Checked
            if checked or all_rows:
                out.append(
                    HazardChoice(
                        layer_id=str(item.data(Qt.ItemDataRole.UserRole)),
                        hazard=str(combo.currentData() or ""),
                        scenario=(scen.text().strip() if scen is not None else ""),
                        checked=checked,
                    )
                )
        return out

    def set_hazards(self, choices: list[HazardChoice]) -> None:
        """Tick exactly ``choices`` (others unticked), with their hazard id and scenario."""
        by_id = {c.layer_id: c for c in choices}
        for row in range(self.hazards_table.rowCount()):
            item = self.hazards_table.item(row, 0)
            c = by_id.get(str(item.data(Qt.ItemDataRole.UserRole)))
            item.setCheckState(
                Qt.CheckState.Checked if c is not None and c.checked else Qt.CheckState.Unchecked
            )
            if c is not None:
                combo = self.hazards_table.cellWidget(row, 1)
                combo.setCurrentIndex(max(combo.findData(c.hazard), 0))
                self.hazards_table.item(row, 2).setText(c.scenario)

    # ------------------------------------------------------------------ rules
    def rules_path(self) -> str | None:
        path = self.rules_file.filePath().strip()
        return path or None

    def check_rules(self, *, quiet: bool = False) -> bool:
        """Validate the chosen rules; show the result (or the error) under the selector."""
        from ..core.errors import RulesError

        try:
            from ..core.rules import load_rules

            rules = load_rules(self.rules_path())
        except RulesError as exc:
            self._rules = None
            self.rules_status.setStyleSheet("color: #b3261e;")
            self.rules_status.setText("✗ " + str(exc))
            return False
        except ImportError as exc:  # numpy missing: the deps box says what to do
            self.rules_status.setText(str(exc))
            return False
        changed = self._rules is None or self._rules.hazards.keys() != rules.hazards.keys()
        self._rules = rules
        self.rules_status.setStyleSheet("color: #1a7f37;")
        self.rules_status.setText(
            tr("✓ {name} (version {version}): {n} rules, {h} hazards").format(
                name=rules.name, version=rules.version, n=len(rules.rules), h=len(rules.hazards)
            )
        )
        if changed:
            self._refresh_layer_lists()
        return True

    # ------------------------------------------------------------------ settings
    def restore_project_settings(self) -> None:
        s = ProjectSettings.load(self.project)
        self.settings = s
        self.rules_file.setFilePath(s.rules_file)
        self.check_rules(quiet=True)
        folder = s.output_folder or self.project.homePath() or str(user_value("output_folder", ""))
        self.output_folder.setFilePath(folder)
        self.run_name.setText(s.run_name or "heritage_check")
        self._refresh_layer_lists()
        her = self.project.mapLayer(s.heritage_layer) if s.heritage_layer else None
        self.heritage_combo.setLayer(her)
        if s.site_layers:
            self.set_site_layers(s.site_layers)
        if s.hazards:
            self.set_hazards(s.hazards)
        self._show_results(None)
        if s.last_results and Path(s.last_results).is_file():
            try:
                from .results import read_results

                self._show_results(read_results(s.last_results))
            except HeritagePlannerError as exc:
                log(str(exc), Qgis.MessageLevel.Warning)

    def collect_settings(self) -> ProjectSettings:
        s = self.settings
        her = self.heritage_combo.currentLayer()
        s.heritage_layer = her.id() if her is not None else ""
        s.site_layers = self.checked_site_layer_ids()
        s.hazards = self.hazard_choices(all_rows=False)
        s.rules_file = self.rules_path() or ""
        s.output_folder = self.output_folder.filePath().strip()
        s.run_name = safe_run_name(self.run_name.text())
        return s

    def _on_project_read(self, *_args: Any) -> None:
        self.restore_project_settings()

    def _on_project_cleared(self) -> None:
        if self.task is not None:
            self.cancel()
        self.settings = ProjectSettings()
        self._show_results(None)
        self._hidden_output = None

    # ------------------------------------------------------------------ running
    def make_plan(self) -> RunPlan:
        """Copy everything the run needs from layers and widgets (main thread)."""
        from ..core.output import check_output_path
        from ..core.raster import HazardInput

        her = self.heritage_combo.currentLayer()
        if her is None:
            raise InputError(tr("Choose a heritage layer (polygons)."))
        if not self.check_rules(quiet=True):
            raise InputError(self.rules_status.text().lstrip("✗ "))
        folder = self.output_folder.filePath().strip()
        if not folder:
            raise InputError(tr("Choose an output folder."))
        if not Path(folder).is_dir():
            raise InputError(tr("Output folder {folder} does not exist.").format(folder=folder))
        name = safe_run_name(self.run_name.text())
        out = Path(folder) / f"{name}.gpkg"
        check_output_path(out, overwrite=True)
        site_layers = [self.project.mapLayer(i) for i in self.checked_site_layer_ids()]
        site_layers = [lyr for lyr in site_layers if lyr is not None]
        names = unique_names([lyr.name() for lyr in site_layers])
        sites = [
            VectorSnapshot.from_layer(lyr, name=n, what=tr("sites layer"))
            for lyr, n in zip(site_layers, names, strict=True)
        ]
        hazards = []
        for choice in self.hazard_choices():
            layer = self.project.mapLayer(choice.layer_id)
            if layer is None:
                continue
            if not choice.hazard:
                raise InputError(
                    tr("Hazard raster {name}: choose which hazard of the rules it shows.").format(
                        name=layer.name()
                    )
                )
            hazards.append(
                HazardInput(choice.hazard, self.exporter.path_for(layer), choice.scenario)
            )
        return RunPlan(
            run_name=name,
            out_path=out,
            heritage=VectorSnapshot.from_layer(her, what=tr("heritage layer")),
            sites=sites,
            hazards=hazards,
            rules_path=self.rules_path(),
            heritage_layer_id=her.id(),
            site_layer_ids={n: lyr.id() for lyr, n in zip(site_layers, names, strict=True)},
        )

    def run(self) -> AnalysisTask | None:
        """Start a run in the background; returns the task (None when inputs are wrong)."""
        if self.task is not None:
            return None
        try:
            plan = self.make_plan()
        except HeritagePlannerError as exc:
            self._fail(str(exc))
            return None
        s = self.collect_settings()
        s.site_layer_ids = dict(plan.site_layer_ids)
        s.save(self.project)
        set_user_value("output_folder", s.output_folder)
        # layers on the old output are dropped so the file can be replaced (Windows locks it)
        from .styling import remove_results_layers, results_layers

        self._hidden_output = None
        if results_layers(self.project, plan.out_path):
            self._hidden_output = (
                plan.out_path,
                plan.run_name,
                self.results.run_info if self.results else {},
            )
            remove_results_layers(self.project, plan.out_path)
        task = AnalysisTask(plan)
        task.progressChanged.connect(self._on_progress)
        task.statusChanged.connect(self._on_status)
        task.done.connect(self._on_done)
        self.task = task
        self._set_running(True)
        self.status_label.setText(tr("Running…"))
        log(tr("Run {name} started: output {path}").format(name=plan.run_name, path=plan.out_path))
        QgsApplication.taskManager().addTask(task)
        return task

    def cancel(self) -> None:
        if self.task is not None:
            self.status_label.setText(tr("Cancelling…"))
            self.task.cancel()

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running and not self.missing)
        self.cancel_button.setEnabled(running)
        self.inputs_box.setEnabled(not running)
        if running:
            self.progress.setValue(0)

    def _on_progress(self, value: float) -> None:
        self.progress.setValue(int(value))

    def _on_status(self, text: str) -> None:
        if self.task is not None:
            self.status_label.setText(text)

    def _on_done(self, ok: bool) -> None:
        task, self.task = self.task, None
        self._set_running(False)
        if task is None:
            return
        plan = task.plan
        if ok and task.outcome is not None:
            out = task.outcome
            self._hidden_output = None
            self.settings.last_results = str(out.path)
            self.settings.save(self.project)
            self._show_results(out.results)
            self._add_layers(out.path, plan.run_name, out.results.run_info)
            self.progress.setValue(100)
            n = len(out.results.rows)
            msg = tr("{n} conflicts ({new} new, {resolved} resolved) in {s:.1f} s").format(
                n=n, new=len(out.new), resolved=len(out.resolved), s=out.elapsed_s
            )
            self.status_label.setText(msg)
            self._bar(msg, Qgis.MessageLevel.Success)
            log(msg + f" — {out.path}")
            for w in out.warnings:
                log(w, Qgis.MessageLevel.Warning)
            if out.warnings:
                self._bar(
                    tr("{n} warnings; see the log (Heritage Planner tab)").format(
                        n=len(out.warnings)
                    ),
                    Qgis.MessageLevel.Warning,
                )
            return
        self._restore_hidden_output()
        self.progress.setValue(0)
        if task.was_cancelled:
            msg = tr("Cancelled; nothing was written.")
            self.status_label.setText(msg)
            log(msg)
            self._bar(msg, Qgis.MessageLevel.Info)
        else:
            self._fail(task.error or tr("the run failed; see the log"))

    def _restore_hidden_output(self) -> None:
        if self._hidden_output is None:
            return
        path, name, info = self._hidden_output
        self._hidden_output = None
        if path.is_file():
            self._add_layers(path, name, info)

    def _add_layers(self, path: Path, run_name: str, run_info: dict[str, Any]) -> None:
        from .styling import add_results_layers, remove_results_layers

        remove_results_layers(self.project, path)
        add_results_layers(self.project, path, run_name, run_info)
        self._refresh_layer_lists()

    def _fail(self, message: str) -> None:
        self.status_label.setText("✗ " + message)
        log(message, Qgis.MessageLevel.Critical)
        self._bar(message, Qgis.MessageLevel.Critical)

    def _bar(self, message: str, level: Qgis.MessageLevel) -> None:
        if self.iface is None:
            return
        duration = 10 if level == Qgis.MessageLevel.Critical else 5
        self.iface.messageBar().pushMessage(tr("Heritage Planner"), message, level, duration)

    # ------------------------------------------------------------------ results
    def _show_results(self, data: ResultsData | None) -> None:
        self.results = data
        rows = data.rows if data is not None else []
        self.model.set_rows(rows)
        rules = sorted({r.rule_id for r in rows})
        keep = self.rule_filter.currentData()
        self.rule_filter.blockSignals(True)
        self.rule_filter.clear()
        self.rule_filter.addItem(tr("All rules"), "")
        for r in rules:
            self.rule_filter.addItem(r, r)
        self.rule_filter.setCurrentIndex(max(self.rule_filter.findData(keep), 0))
        self.rule_filter.blockSignals(False)
        self._apply_filters()
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount() - 1):
            header.resizeSection(col, min(header.sectionSize(col), 170))
        header.setStretchLastSection(True)
        self._update_summary()
        self._update_buttons()

    def _update_summary(self) -> None:
        if self.results is None:
            self.summary.setText(
                "<span style='color:#6e7781'>" + html.escape(tr("No results yet.")) + "</span>"
            )
            return
        counts = self.results.counts_by_severity()
        parts = []
        for sev in reversed(list(Severity)):
            color = SEVERITY_COLORS[sev]
            n = counts.get(sev.value, 0)
            parts.append(
                f"<span style='color:{color}; font-size:14pt'>■</span>&nbsp;<b>{n}</b>"
                f"&nbsp;{html.escape(severity_label(sev.value))}"
            )
        text = " &nbsp; ".join(parts)
        done = sum(1 for r in self.results.rows if r.status != "open")
        text += " &nbsp; <span style='color:#6e7781'>" + html.escape(
            tr("{done}/{n} reviewed").format(done=done, n=len(self.results.rows))
        )
        if self.results.resolved:
            text += " · " + html.escape(tr("{n} resolved").format(n=len(self.results.resolved)))
        text += "</span>"
        self.summary.setText(text)

    def _apply_filters(self, *_args: Any) -> None:
        sev = self.severity_filter.currentData()
        self.proxy.set_severities({sev} if sev else None)
        self.proxy.set_rule(self.rule_filter.currentData() or "")
        self.proxy.set_text(self.text_filter.text())

    def _update_buttons(self, *_args: Any) -> None:
        has = bool(self.selected_rows())
        self.review_button.setEnabled(has and self.results is not None)
        self.zoom_button.setEnabled(has)
        self.pdf_button.setEnabled(self.results is not None and self.report_task is None)

    def selected_rows(self) -> list[ConflictRow]:
        sel = self.table.selectionModel()
        if sel is None:
            return []
        return [self.proxy.data(i, RowRole) for i in sel.selectedRows()]

    def _on_double_click(self, index: Any) -> None:
        row = self.proxy.data(index, RowRole)
        if row is not None:
            self.zoom_to(row)

    def _zoom_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.zoom_to(rows[0])

    def zoom_to(self, row: ConflictRow) -> None:
        """Zoom the canvas to a conflict, flash it and select its heritage and site features."""
        if self.iface is None or row.wkb is None or self.results is None:
            return
        canvas = self.iface.mapCanvas()
        geom = QgsGeometry()
        geom.fromWkb(row.wkb)
        src = QgsCoordinateReferenceSystem.fromWkt(self.results.crs_wkt)
        dest = canvas.mapSettings().destinationCrs()
        if src.isValid() and dest.isValid() and src != dest:
            geom.transform(QgsCoordinateTransform(src, dest, self.project))
        rect = geom.boundingBox()
        # some street-level context around even a 1 m cabinet: at least ~30 m each side
        context = 0.0003 if dest.isGeographic() else 30.0
        rect.grow(max(max(rect.width(), rect.height()) * 0.6, context))
        canvas.setExtent(rect)
        canvas.refresh()
        canvas.flashGeometries([geom], dest)
        self._select_related(row)

    def _select_related(self, row: ConflictRow) -> None:
        her = self.project.mapLayer(self.settings.heritage_layer)
        if isinstance(her, QgsVectorLayer) and row.heritage_fid is not None:
            her.selectByIds([int(row.heritage_fid)])
        if row.site_layer and row.site_fid is not None:
            lid = self.settings.site_layer_ids.get(row.site_layer, "")
            lyr = self.project.mapLayer(lid) if lid else None
            if lyr is None:
                found = self.project.mapLayersByName(row.site_layer)
                lyr = found[0] if found else None
            if isinstance(lyr, QgsVectorLayer):
                lyr.selectByIds([int(row.site_fid)])

    # ------------------------------------------------------------------ review
    def review_selected(self) -> None:
        from .review_dialog import ReviewDialog

        rows = self.selected_rows()
        if not rows or self.results is None:
            return
        ids = [r.conflict_id for r in rows]
        dlg = ReviewDialog(rows, self)
        dlg.accepted.connect(lambda: self.apply_review(ids, **dlg.values()))
        self._show_dialog(dlg)

    def apply_review(
        self, conflict_ids: list[str], *, status: str, note: str, reviewer: str
    ) -> None:
        """Store a decision for ``conflict_ids`` in the results GeoPackage (one transaction)."""
        from ..core.review import now_iso, update_review

        if self.results is None:
            return
        stamp = now_iso()
        by_id = {r.conflict_id: r for r in self.results.rows}
        changes: list[dict[str, Any]] = []
        for cid in conflict_ids:
            r = by_id.get(cid)
            changes.append(
                {
                    "conflict_id": cid,
                    "status": status,
                    "note": note,
                    "reviewer": reviewer,
                    "updated": stamp,
                    "rule_id": r.rule_id if r else None,
                    "heritage_name": r.heritage_name if r else None,
                    "site_id": r.site_id if r else None,
                    "message": r.message if r else None,
                }
            )
        try:
            update_review(self.results.path, changes)
        except HeritagePlannerError as exc:
            self._fail(str(exc))
            return
        for ch in changes:
            self.model.update_review(ch["conflict_id"], ch)
        if reviewer:
            set_user_value("reviewer", reviewer)
        self._update_summary()
        self.status_label.setText(tr("Review saved for {n} conflict(s).").format(n=len(changes)))

    # ------------------------------------------------------------------ PDF report
    def export_pdf(self) -> None:
        """Run ``heritage_planner.layouts.report.build_report`` in a QgsTask."""
        from qgis.PyQt.QtWidgets import QFileDialog

        if self.results is None or self.report_task is not None or not report_available():
            return
        default = str(self.results.path.with_suffix(".pdf"))
        out, _ = QFileDialog.getSaveFileName(self, tr("Export PDF"), default, tr("PDF (*.pdf)"))
        if not out:
            return
        from .report_dialog import ReportOptionsDialog

        dialog = ReportOptionsDialog(self, project=self.project)
        dialog.accepted.connect(lambda: self.start_report(out, options=dialog.options()))
        self._show_dialog(dialog)

    def _show_dialog(self, dialog: Any) -> None:
        """Window-modal, without a nested event loop; kept alive until it closes."""
        self._dialog = dialog
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()

    def start_report(self, out_pdf: str, *, options: dict[str, Any] | None = None) -> Any:
        """Write the PDF in a QgsTask; ``options`` are ``build_report`` keyword arguments
        (default: the user's saved report options)."""
        from .report_dialog import saved_report_options
        from .task import ReportTask

        assert self.results is not None
        # the maps show the run's first hazard raster (build_report finds it in the results)
        opts = dict(saved_report_options() if options is None else options)
        task = ReportTask(str(self.results.path), out_pdf, options=opts)
        task.done.connect(self._on_report_done)
        self.report_task = task
        self._update_buttons()
        self.status_label.setText(tr("Writing PDF report…"))
        QgsApplication.taskManager().addTask(task)
        return task

    def _on_report_done(self, ok: bool) -> None:
        task, self.report_task = self.report_task, None
        self._update_buttons()
        if task is None:
            return
        if ok:
            msg = tr("PDF report written: {path}").format(path=task.out_pdf)
            self.status_label.setText(msg)
            self._bar(msg, Qgis.MessageLevel.Success)
        elif not task.was_cancelled:
            self._fail(task.error or tr("the PDF report failed; see the log"))

    # ------------------------------------------------------------------ teardown
    def cleanup(self) -> None:
        """Disconnect from the project, stop a running task and drop temporary files."""
        for signal, slot in self._connections:
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self._connections.clear()
        for task in (self.task, self.report_task):
            if task is None:
                continue
            try:
                task.done.disconnect()
                task.cancel()
            except (TypeError, RuntimeError):
                pass
        self.task = None
        self.report_task = None
        self.exporter.cleanup()


def _geom_icon(layer: QgsVectorLayer) -> str:
    gt = layer.geometryType()
    if gt == QgsWkbTypes.GeometryType.PointGeometry:
        return "/mIconPointLayer.svg"
    if gt == QgsWkbTypes.GeometryType.LineGeometry:
        return "/mIconLineLayer.svg"
    return "/mIconPolygonLayer.svg"
