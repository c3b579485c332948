"""Run inside the real QGIS desktop (``qgis --code``) by test_desktop.py: open the panel, press
Run, wait for the conflicts, double-click the first one, grab the window, quit cleanly."""

import json
import os
import time
import traceback

import qgis.utils
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QTimer

OUT = os.environ["HP_SMOKE_OUT"]
state = {"t0": time.time(), "step": "start"}


def finish(ok, **kw):
    state.update(ok=ok, **kw)
    state["seconds"] = round(time.time() - state.pop("t0"), 1)
    with open(os.path.join(OUT, "status.json"), "w") as fh:
        json.dump(state, fh)
    # leave the way a user does: close the project (its layers live under /tmp, which QGIS
    # calls temporary and would ask about), then the window
    QgsProject.instance().clear()
    QTimer.singleShot(500, qgis.utils.iface.mainWindow().close)


def poll():
    try:
        plugin = qgis.utils.plugins.get("heritage_planner")
        if plugin is None:
            return finish(False, error="plugin not loaded", plugins=sorted(qgis.utils.plugins))
        dock = plugin.dock
        if state["step"] == "start":
            plugin.toggle_action.setChecked(True)
            state["missing"] = [str(m) for m in plugin.missing]
            state["dock_visible"] = dock.isVisible()
            state["step"] = "running"
            dock.run()
        elif state["step"] == "running":
            if dock.task is None and dock.model.rowCount():
                state["rows"] = dock.model.rowCount()
                before = qgis.utils.iface.mapCanvas().extent()
                index = dock.table.model().index(0, 0)
                dock.table.doubleClicked.emit(index)
                after = qgis.utils.iface.mapCanvas().extent()
                state["zoomed"] = after.width() < before.width()
                state["step"] = "shot"
        elif state["step"] == "shot":
            qgis.utils.iface.mainWindow().grab().save(os.path.join(OUT, "qgis.png"))
            return finish(True)
        if time.time() - state["t0"] > 240:
            return finish(False, error="timed out while " + state["step"])
        QTimer.singleShot(300, poll)
    except Exception:
        finish(False, error=traceback.format_exc())


QTimer.singleShot(2000, poll)
