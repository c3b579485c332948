"""Helpers shared by the QGIS front ends (dock task, Processing algorithms)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def run_in_python_thread(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``func`` on a fresh Python thread and wait for it; re-raise what it raises.

    QGIS runs ``QgsTask.run()`` (and background Processing algorithms) on reused
    ``QThreadPool`` threads. exactextract's pybind11 bindings keep a per-thread interpreter
    state that goes stale when such a thread is reused, and the second run on the same
    thread segfaults inside exactextract. A thread created by Python gets a clean thread
    state that lives exactly as long as the work, so engine calls from a QGIS worker
    thread go through here.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func(*args, **kwargs)
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, name="heritage-planner-engine", daemon=True)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["value"]
