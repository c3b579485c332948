"""One exception hierarchy: every error a user can act on carries a one-line message."""

from __future__ import annotations


class HeritagePlannerError(Exception):
    """Base class; ``str(err)`` is one line a user can act on."""


class InputError(HeritagePlannerError):
    """A layer, raster or option the user gave cannot be used."""


class RulesError(HeritagePlannerError):
    """The rules file is malformed or does not fit the inputs."""


class OutputError(HeritagePlannerError):
    """The output cannot be written (exists, folder missing, not writable...)."""


class CancelledError(HeritagePlannerError):
    """The run was cancelled by the user; nothing was written."""

    def __init__(self, message: str = "cancelled by the user; nothing was written") -> None:
        super().__init__(message)
