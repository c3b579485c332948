"""Definitions shared by every front end: severities, rule types, review states."""

from __future__ import annotations

from enum import Enum


class Severity(str, Enum):
    """Conflict severity, ordered from least to most serious."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(str(text).strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None

    def __str__(self) -> str:  # "high", not "Severity.HIGH"
        return self.value


_SEVERITY_ORDER = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]

#: Colours used for severities everywhere (dock table, layer styles, PDF report).
SEVERITY_COLORS = {
    Severity.LOW: "#2c7bb6",
    Severity.MEDIUM: "#fdae61",
    Severity.HIGH: "#d7191c",
    Severity.CRITICAL: "#7b0a5e",
}


class RuleType(str, Enum):
    SITING = "siting"
    EXPOSURE = "exposure"
    SITE_HAZARD = "site_hazard"

    def __str__(self) -> str:
        return self.value


class ReviewStatus(str, Enum):
    OPEN = "open"
    ACCEPTED = "accepted"
    MITIGATED = "mitigated"
    FALSE_POSITIVE = "false_positive"
    RESOLVED = "resolved"  # the conflict vanished on a re-run

    def __str__(self) -> str:
        return self.value


#: Names of the layers/tables in a results GeoPackage.
LAYER_EXPOSURE = "exposure"
LAYER_SITE_HAZARD = "site_hazard"
LAYER_CONFLICTS = "conflicts"
TABLE_RUN = "run"
TABLE_REVIEW = "review"
