"""Progress on stderr: a bar on a terminal, quiet otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, stream: TextIO | None = None, *, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.width = width
        self.last = 0.0
        self.shown = False

    def update(self, frac: float, text: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and frac < 1.0:
            return
        self.last = now
        n = int(self.width * max(0.0, min(1.0, frac)))
        bar = "█" * n + "·" * (self.width - n)
        self.stream.write(f"\r{bar} {frac:4.0%} {text[:48]:<48}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.enabled and self.shown:
            self.stream.write("\r" + " " * (self.width + 56) + "\r")
            self.stream.flush()
