"""Run engine work on a thread Python created.

Hosts such as QGIS run background work on reused ``QThreadPool`` threads that Python did not
create. exactextract's pybind11 bindings keep a per-thread interpreter state that goes stale
when such a thread is reused, and a second run on the same thread segfaults inside
exactextract. A thread created by Python gets a clean thread state that lives exactly as long
as the work, so the engine's entry points hop onto one when called from a foreign thread.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def on_foreign_thread() -> bool:
    """True on a thread Python did not create (``threading`` sees it as a dummy thread)."""
    return isinstance(threading.current_thread(), threading._DummyThread)  # noqa: SLF001


def run_in_python_thread(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``func`` on a fresh Python thread and wait for it; re-raise what it raises."""
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


def python_thread(func: Callable[..., T]) -> Callable[..., T]:
    """Decorator: run ``func`` on a fresh Python thread when called from a foreign thread."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        if on_foreign_thread():
            return run_in_python_thread(func, *args, **kwargs)
        return func(*args, **kwargs)

    return wrapper
