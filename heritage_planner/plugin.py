"""The QGIS plugin: toolbar button and menu entries toggling the dock, and the Processing
provider. ``unload`` undoes everything ``initGui``/``initProcessing`` did."""

from __future__ import annotations

from typing import Any

from qgis.core import Qgis, QgsApplication, QgsMessageLog
from qgis.PyQt.QtCore import Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices, QIcon
from qgis.PyQt.QtWidgets import QAction

from .core.paths import resource_path
from .gui.i18n import install_translator, remove_translator, tr

LOG_TAG = "Heritage Planner"
MENU = "&Heritage Planner"
HOMEPAGE = "https://github.com/heritage-planner/heritage-planner"


def plugin_icon() -> QIcon:
    return QIcon(str(resource_path("icons", "heritage_planner.svg")))


class HeritagePlannerPlugin:
    """What QGIS's plugin manager loads (through ``classFactory``)."""

    def __init__(self, iface: Any) -> None:
        self.iface = iface
        self.actions: list[QAction] = []
        self.toggle_action: QAction | None = None
        self.dock: Any = None
        self.provider: Any = None
        self.translator: Any = None
        self.missing: list[Any] = []

    # -------------------------------------------------------------- Processing
    def initProcessing(self) -> None:  # noqa: N802 - QGIS's name
        if self.provider is not None:
            return
        try:
            from .processing.provider import HeritagePlannerProvider
        except ImportError as exc:  # not there yet, or a dependency is missing
            QgsMessageLog.logMessage(
                tr("Processing algorithms not available: {error}").format(error=exc),
                LOG_TAG,
                Qgis.MessageLevel.Warning,
            )
            return
        provider = HeritagePlannerProvider()
        # addProvider refuses a second provider with our id (and deletes it): keep and later
        # remove only the one this plugin really registered
        if QgsApplication.processingRegistry().addProvider(provider):
            self.provider = provider

    # -------------------------------------------------------------- GUI
    def initGui(self) -> None:  # noqa: N802 - QGIS's name
        from .gui.deps import check_dependencies
        from .gui.dock import HeritagePlannerDock

        self.translator = install_translator()
        self.missing = check_dependencies()
        self.initProcessing()

        window = self.iface.mainWindow()
        self.dock = HeritagePlannerDock(self.iface, missing=self.missing, parent=window)
        self.dock.hide()
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

        self.toggle_action = QAction(plugin_icon(), tr("Heritage Planner"), window)
        self.toggle_action.setObjectName("mActionHeritagePlannerPanel")
        self.toggle_action.setToolTip(tr("Show or hide the Heritage Planner panel"))
        self.toggle_action.setCheckable(True)
        self.toggle_action.toggled.connect(self._set_dock_visible)
        self.dock.visibilityChanged.connect(self._sync_action)
        self.iface.addToolBarIcon(self.toggle_action)
        self.iface.addPluginToMenu(MENU, self.toggle_action)

        help_action = QAction(
            QgsApplication.getThemeIcon("/mActionHelpContents.svg"), tr("Help"), window
        )
        help_action.setObjectName("mActionHeritagePlannerHelp")
        help_action.triggered.connect(self.show_help)
        self.iface.addPluginToMenu(MENU, help_action)
        self.actions = [self.toggle_action, help_action]

    def _set_dock_visible(self, visible: bool) -> None:
        if self.dock is not None:
            self.dock.setUserVisible(visible)

    def _sync_action(self, visible: bool) -> None:
        if self.toggle_action is not None and self.toggle_action.isChecked() != visible:
            self.toggle_action.blockSignals(True)
            self.toggle_action.setChecked(visible)
            self.toggle_action.blockSignals(False)

    def show_help(self) -> None:
        QDesktopServices.openUrl(QUrl(HOMEPAGE))

    def unload(self) -> None:
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            self.iface.removeToolBarIcon(action)
            action.deleteLater()
        self.actions = []
        self.toggle_action = None
        if self.dock is not None:
            self.dock.cleanup()
            self.iface.removeDockWidget(self.dock)
            self.dock.setParent(None)
            self.dock.deleteLater()
            self.dock = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator(self.translator)
        self.translator = None
