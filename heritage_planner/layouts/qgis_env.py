"""QGIS application and thread plumbing for the report.

Layouts are not thread safe: QGIS builds and exports them on the main thread (its own
"Export atlas as PDF" Processing algorithm is flagged ``FlagNoThreading``). A report started
from a ``QgsTask`` therefore reads its data in the worker and hands the layout work to the main
thread with :func:`run_on_main_thread`; the export then yields to the event loop between pages
so QGIS stays responsive.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Any

_APP: Any = None


def ensure_qgis_app() -> Any:
    """The running ``QgsApplication``; start a headless one (offscreen) when there is none."""
    global _APP
    from qgis.core import QgsApplication

    app = QgsApplication.instance()
    if app is not None:
        return app
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # a headless report must not leave .aux.xml statistics files next to the user's rasters
    # (inputs are never modified); inside the QGIS desktop, QGIS's own setting applies
    os.environ.setdefault("GDAL_PAM_ENABLED", "NO")
    _APP = QgsApplication([], False)
    _APP.initQgis()
    atexit.register(_exit_app)
    return _APP


def _exit_app() -> None:
    global _APP
    if _APP is not None:
        from qgis.core import QgsProject

        QgsProject.instance().clear()  # a layer still referenced at exitQgis() crashes
        _APP.exitQgis()
        _APP = None


def is_main_thread() -> bool:
    from qgis.PyQt.QtCore import QCoreApplication, QThread

    app = QCoreApplication.instance()
    return app is None or QThread.currentThread() == app.thread()


class _Invoker:
    """A QObject in the main thread that runs callables posted from other threads."""

    _instance: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._instance is None:
            from qgis.PyQt.QtCore import QCoreApplication, QObject, Qt, pyqtSignal, pyqtSlot

            class Invoker(QObject):
                call = pyqtSignal(object)

                def __init__(self) -> None:
                    super().__init__()
                    self.call.connect(self.run_job, Qt.ConnectionType.QueuedConnection)

                @pyqtSlot(object)
                def run_job(self, job: Any) -> None:
                    job()

            inv = Invoker()
            inv.moveToThread(QCoreApplication.instance().thread())
            cls._instance = inv
        return cls._instance


def run_on_main_thread(
    fn: Callable[[], Any], *, is_cancelled: Callable[[], bool] | None = None
) -> Any:
    """Call ``fn`` on the main thread and return its result (or raise its exception).

    Called from the main thread, ``fn`` simply runs. From a worker the caller blocks until the
    main thread's event loop has run ``fn``; the main thread must not itself be waiting on the
    worker (e.g. ``QgsTask.waitForFinished``), or nothing can happen.
    """
    if is_main_thread():
        return fn()
    done = threading.Event()
    box: dict[str, Any] = {}

    def job() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the worker
            box["error"] = exc
        finally:
            done.set()

    # The invoker must be created on the main thread or moved there; creating it here and
    # moving it is allowed because this thread owns it until moveToThread().
    _Invoker.get().call.emit(job)
    done.wait()
    if "error" in box:
        raise box["error"]
    return box.get("result")
