"""Rules files: TOML (read with the standard library's ``tomllib``) into frozen dataclasses.

Validation errors name the file, the rule or key and what was expected, so a planner can fix
the file without reading code.
"""

from __future__ import annotations

import hashlib
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .definitions import RuleType, Severity
from .errors import RulesError
from .paths import resource_path

_TOP_KEYS = {"name", "version", "description", "heritage", "sites", "hazards", "rules"}
_HERITAGE_KEYS = {"id", "name", "zone", "category"}
_SITES_KEYS = {"id", "kind"}
_HAZARD_KEYS = {"id", "label", "unit", "classes", "description"}
_CLASS_KEYS = {"name", "max", "label"}
_COMMON_RULE_KEYS = {"id", "type", "severity", "message", "description"}
_RULE_KEYS = {
    RuleType.SITING: _COMMON_RULE_KEYS | {"site_kinds", "zones", "categories", "distance_m"},
    RuleType.EXPOSURE: _COMMON_RULE_KEYS
    | {"hazard", "min_class", "min_fraction", "zones", "categories"},
    RuleType.SITE_HAZARD: _COMMON_RULE_KEYS | {"hazard", "min_class", "site_kinds"},
}
#: Placeholders a rule's ``message`` template may use.
MESSAGE_FIELDS = frozenset(
    {
        "rule_id",
        "severity",
        "site_layer",
        "site_id",
        "site_kind",
        "heritage_id",
        "heritage_name",
        "zone",
        "category",
        "hazard",
        "hazard_label",
        "scenario",
        "value",
        "class",
        "distance_m",
        "fraction",
        "unit",
    }
)
DEFAULT_MESSAGES = {
    RuleType.SITING: "{site_kind} {site_id} within {distance_m:.1f} m of {heritage_name} ({zone})",
    RuleType.EXPOSURE: "{heritage_name}: {fraction:.0%} in {hazard_label} class {class} or worse",
    RuleType.SITE_HAZARD: (
        "{site_kind} {site_id} in {hazard_label} class {class} ({value:.2f} {unit})"
    ),
}


@dataclass(frozen=True)
class HazardClass:
    name: str
    max: float | None  # None for the last, open-ended class
    label: str = ""


@dataclass(frozen=True)
class HazardDef:
    """A hazard and its ordered classes: ``min < x <= max``; the first takes all <= its max."""

    id: str
    label: str
    unit: str
    classes: tuple[HazardClass, ...]

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.classes)

    @property
    def breaks(self) -> np.ndarray:
        return np.array([c.max for c in self.classes[:-1]], dtype="float64")

    def class_index(self, name: str) -> int:
        return self.class_names.index(name)

    def classify(self, values: np.ndarray | float) -> np.ndarray:
        """Class index of each value (NaN gives -1)."""
        v = np.asarray(values, dtype="float64")
        idx = np.searchsorted(self.breaks, v, side="left").astype("int64")
        return np.where(np.isnan(v), -1, idx)


@dataclass(frozen=True)
class HeritageFields:
    id: str | None = None
    name: str | None = None
    zone: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class SiteFields:
    id: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    type: RuleType
    severity: Severity
    message: str
    site_kinds: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    distance_m: float = 0.0
    hazard: str | None = None
    min_class: str | None = None
    min_fraction: float = 0.0
    description: str = ""

    def render(self, values: dict[str, Any]) -> str:
        """The rule's message with ``values`` filled in; never raises."""
        try:
            return self.message.format_map(_Lenient(values))
        except (ValueError, TypeError, KeyError):
            return self.message


class _Lenient(dict):
    """Formatting map whose missing/None values render as empty text."""

    def __getitem__(self, key: str) -> Any:
        value = dict.get(self, key)
        return _Blank() if value is None else value


class _Blank(str):
    def __format__(self, spec: str) -> str:
        return ""


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: str
    heritage: HeritageFields
    sites: SiteFields
    hazards: dict[str, HazardDef]
    rules: tuple[Rule, ...]
    source: str = "<memory>"
    sha256: str = ""
    description: str = ""
    text: str = field(default="", repr=False)

    def rules_of(self, rule_type: RuleType) -> list[Rule]:
        return [r for r in self.rules if r.type is rule_type]


def default_rules_path() -> Path:
    """The built-in rule set shipped in ``resources/rules/``."""
    return resource_path("rules", "default.toml")


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Read and validate a rules file (the built-in default when ``path`` is None)."""
    p = Path(path) if path is not None else default_rules_path()
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise RulesError(f"{p}: rules file not found") from None
    except OSError as exc:
        raise RulesError(f"{p}: cannot read rules file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RulesError(f"{p}: rules file is not UTF-8 text") from None
    return parse_rules(text, source=str(p))


def parse_rules(text: str, *, source: str = "<memory>") -> RuleSet:
    """Validate TOML ``text``; errors name ``source``, the rule or key and what was expected."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{source}: not valid TOML: {exc}") from None
    return _RuleSetParser(source).parse(data, text)


class _RuleSetParser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, what: str) -> RulesError:
        return RulesError(f"{self.source}: {where}: {what}")

    def check_keys(self, where: str, table: dict[str, Any], allowed: set[str]) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.fail(
                where,
                f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})",
            )

    def get(
        self,
        where: str,
        table: dict[str, Any],
        key: str,
        kind: type | tuple[type, ...],
        default: Any = ...,
    ) -> Any:
        if key not in table:
            if default is ...:
                raise self.fail(where, f"missing key {key!r}")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            ok = False
        else:
            ok = isinstance(value, kinds)
        if not ok:
            names = " or ".join(_type_name(k) for k in kinds)
            raise self.fail(where, f"{key!r} must be {names}, got {_type_name(type(value))}")
        return value

    def str_list(self, where: str, table: dict[str, Any], key: str) -> tuple[str, ...]:
        values = self.get(where, table, key, list, [])
        for v in values:
            if not isinstance(v, str):
                raise self.fail(where, f"{key!r} must be a list of strings, got {v!r}")
        return tuple(values)

    def parse(self, data: dict[str, Any], text: str) -> RuleSet:
        self.check_keys("top level", data, _TOP_KEYS)
        name = self.get("top level", data, "name", str)
        version = self.get("top level", data, "version", (str, int, float))
        heritage_t = self.get("top level", data, "heritage", dict, {})
        self.check_keys("[heritage]", heritage_t, _HERITAGE_KEYS)
        heritage = HeritageFields(
            **{k: self.get("[heritage]", heritage_t, k, str, None) for k in _HERITAGE_KEYS}
        )
        sites_t = self.get("top level", data, "sites", dict, {})
        self.check_keys("[sites]", sites_t, _SITES_KEYS)
        sites = SiteFields(**{k: self.get("[sites]", sites_t, k, str, None) for k in _SITES_KEYS})
        hazards: dict[str, HazardDef] = {}
        for i, h in enumerate(self.get("top level", data, "hazards", list, [])):
            hz = self.parse_hazard(i, h)
            if hz.id in hazards:
                raise self.fail(f"hazard {hz.id!r}", "duplicate hazard id")
            hazards[hz.id] = hz
        rules: list[Rule] = []
        seen: set[str] = set()
        for i, r in enumerate(self.get("top level", data, "rules", list, [])):
            rule = self.parse_rule(i, r, hazards)
            if rule.id in seen:
                raise self.fail(f"rule {rule.id!r}", "duplicate rule id")
            seen.add(rule.id)
            rules.append(rule)
        return RuleSet(
            name=name,
            version=str(version),
            heritage=heritage,
            sites=sites,
            hazards=hazards,
            rules=tuple(rules),
            source=self.source,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            description=str(data.get("description", "")),
            text=text,
        )

    def parse_hazard(self, i: int, h: Any) -> HazardDef:
        where = f"hazards[{i}]"
        if not isinstance(h, dict):
            raise self.fail(where, "must be a table ([[hazards]])")
        hid = self.get(where, h, "id", str)
        where = f"hazard {hid!r}"
        self.check_keys(where, h, _HAZARD_KEYS)
        if not hid or "@" in hid or "=" in hid:
            raise self.fail(where, "id must be non-empty and contain neither '@' nor '='")
        classes_raw = self.get(where, h, "classes", list)
        if not classes_raw:
            raise self.fail(where, "'classes' must list at least one class")
        classes: list[HazardClass] = []
        for j, c in enumerate(classes_raw):
            cw = f"{where} classes[{j}]"
            if not isinstance(c, dict):
                raise self.fail(cw, 'must be a table like { name = "low", max = 0.2 }')
            self.check_keys(cw, c, _CLASS_KEYS)
            cname = self.get(cw, c, "name", str)
            last = j == len(classes_raw) - 1
            cmax = self.get(cw, c, "max", (int, float), None)
            if last and cmax is not None:
                raise self.fail(cw, f"the last class {cname!r} must not have a 'max' (open-ended)")
            if not last and cmax is None:
                raise self.fail(cw, f"class {cname!r} needs a 'max' (only the last is open-ended)")
            if cmax is not None and classes and classes[-1].max is not None:
                if not float(cmax) > float(classes[-1].max):
                    raise self.fail(cw, f"'max' must increase (got {cmax} after {classes[-1].max})")
            if cname in {x.name for x in classes}:
                raise self.fail(cw, f"duplicate class name {cname!r}")
            classes.append(
                HazardClass(
                    cname, None if cmax is None else float(cmax), self.get(cw, c, "label", str, "")
                )
            )
        return HazardDef(
            id=hid,
            label=self.get(where, h, "label", str, hid),
            unit=self.get(where, h, "unit", str, ""),
            classes=tuple(classes),
        )

    def parse_rule(self, i: int, r: Any, hazards: dict[str, HazardDef]) -> Rule:
        where = f"rules[{i}]"
        if not isinstance(r, dict):
            raise self.fail(where, "must be a table ([[rules]])")
        rid = self.get(where, r, "id", str)
        where = f"rule {rid!r}"
        if not rid:
            raise self.fail(f"rules[{i}]", "'id' must not be empty")
        tname = self.get(where, r, "type", str)
        try:
            rtype = RuleType(tname)
        except ValueError:
            raise self.fail(
                where, f"unknown type {tname!r} (expected siting, exposure or site_hazard)"
            ) from None
        self.check_keys(where, r, _RULE_KEYS[rtype])
        try:
            severity = Severity.parse(self.get(where, r, "severity", str))
        except ValueError as exc:
            raise self.fail(where, str(exc)) from None
        message = self.get(where, r, "message", str, DEFAULT_MESSAGES[rtype])
        self.check_message(where, message)
        kw: dict[str, Any] = {
            "id": rid,
            "type": rtype,
            "severity": severity,
            "message": message,
            "description": self.get(where, r, "description", str, ""),
        }
        if rtype is RuleType.SITING:
            dist = float(self.get(where, r, "distance_m", (int, float), 0.0))
            if not dist >= 0 or dist != dist:
                raise self.fail(where, f"'distance_m' must be >= 0, got {dist}")
            kw.update(
                site_kinds=self.str_list(where, r, "site_kinds"),
                zones=self.str_list(where, r, "zones"),
                categories=self.str_list(where, r, "categories"),
                distance_m=dist,
            )
        else:
            hid = self.get(where, r, "hazard", str)
            if hid not in hazards:
                known = ", ".join(hazards) or "none declared"
                raise self.fail(where, f"unknown hazard {hid!r} (declared hazards: {known})")
            cls = self.get(where, r, "min_class", str)
            if cls not in hazards[hid].class_names:
                names = ", ".join(hazards[hid].class_names)
                raise self.fail(
                    where, f"unknown class {cls!r} of hazard {hid!r} (classes: {names})"
                )
            kw.update(hazard=hid, min_class=cls)
            if rtype is RuleType.EXPOSURE:
                frac = float(self.get(where, r, "min_fraction", (int, float)))
                if not 0.0 <= frac <= 1.0:
                    raise self.fail(where, f"'min_fraction' must be between 0 and 1, got {frac}")
                kw.update(
                    min_fraction=frac,
                    zones=self.str_list(where, r, "zones"),
                    categories=self.str_list(where, r, "categories"),
                )
            else:
                kw.update(site_kinds=self.str_list(where, r, "site_kinds"))
        return Rule(**kw)

    def check_message(self, where: str, message: str) -> None:
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(message) if f is not None]
        except ValueError as exc:
            raise self.fail(where, f"'message' is not a valid template: {exc}") from None
        for n in names:
            base = n.split(".")[0].split("[")[0]
            if base not in MESSAGE_FIELDS:
                allowed = ", ".join("{" + f + "}" for f in sorted(MESSAGE_FIELDS))
                raise self.fail(where, f"'message' uses unknown field {{{n}}} (allowed: {allowed})")


def _type_name(t: type) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
    }.get(t, t.__name__)
