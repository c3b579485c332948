"""Job files (TOML): parsed strictly and checked whole before any job starts.

```toml
[defaults]                      # optional: any job key but name/heritage/out/changes
rules = "rules.toml"
sites = ["infra.gpkg|layername=sites_points"]
out_dir = "results"             # outputs default to results/<name>.gpkg

[[jobs]]
name = "north"
heritage = "north.gpkg"
hazards = ["heat=lst.tif"]      # ID[@SCENARIO]=RASTER, in every scenario's run
[jobs.scenarios]                # one run per scenario: north@baseline, north@2050
baseline = ["flood=flood_now.tif"]
2050 = ["flood=flood_2050.tif"]
```

Relative paths are relative to the job file. Every error names the file, the job and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import HeritagePlannerError, InputError
from ..core.raster import HazardInput
from ..core.vector import split_source

DEFAULT_PARTITION_SIZE = 20_000
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_TOP_KEYS = {"defaults", "jobs"}
_SHARED_KEYS = {"sites", "hazards", "rules", "analysis_crs", "partition_size"}
_DEFAULT_KEYS = _SHARED_KEYS | {"out_dir"}
_JOB_KEYS = _SHARED_KEYS | {"name", "heritage", "scenarios", "out", "changes", "out_dir"}


@dataclass(frozen=True)
class Job:
    """One analysis: one results GeoPackage."""

    name: str
    heritage: str
    sites: tuple[str, ...]
    hazards: tuple[HazardInput, ...]
    rules: str | None
    analysis_crs: str | None
    out: Path
    partition_size: int = DEFAULT_PARTITION_SIZE
    entry: str = ""  # the [[jobs]] entry it came from


@dataclass(frozen=True)
class Comparison:
    """Conflicts added/removed between consecutive scenarios of each hazard of an entry."""

    name: str
    jobs: tuple[str, ...]
    scenarios: dict[str, tuple[str, ...]]  # hazard -> scenarios, in order
    out: Path


@dataclass
class Batch:
    source: Path
    jobs: list[Job] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)

    def job(self, name: str) -> Job:
        return next(j for j in self.jobs if j.name == name)


class _Parser:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.base = path.parent

    def fail(self, where: str, key: str | None, what: str) -> InputError:
        at = f"{where}: {key!r}" if key else where
        return InputError(f"{self.path}: {at}: {what}")

    def check_keys(self, where: str, table: dict[str, Any], allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(where, key, f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def string(self, where: str, table: dict[str, Any], key: str) -> str | None:
        v = table.get(key)
        if v is None:
            return None
        if not isinstance(v, str) or not v.strip():
            raise self.fail(where, key, "must be a non-empty string")
        return v.strip()

    def strings(self, where: str, table: dict[str, Any], key: str) -> list[str] | None:
        v = table.get(key)
        if v is None:
            return None
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise self.fail(where, key, "must be a list of non-empty strings")
        return [x.strip() for x in v]

    def resolve(self, text: str) -> str:
        """A source relative to the job file (keeps ``|layername=...``)."""
        p, _, rest = text.partition("|")
        full = Path(p).expanduser()
        if not full.is_absolute() and "://" not in p and not p.startswith("/vsi"):
            full = self.base / full
        return f"{full}|{rest}" if rest else str(full)

    def hazard(self, where: str, key: str, spec: str, scenario: str | None) -> HazardInput:
        try:
            h = HazardInput.parse(spec)
        except HeritagePlannerError as exc:
            raise self.fail(where, key, str(exc).removeprefix("--hazard ")) from None
        if scenario is not None:
            if "@" in spec.split("=", 1)[0]:
                raise self.fail(
                    where, key, f"{spec!r}: leave out @SCENARIO here, the scenario name is added"
                )
            h = HazardInput(h.hazard, h.path, scenario)
        return HazardInput(h.hazard, self.resolve(h.path), h.scenario)

    def parse(self) -> Batch:
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"{self.path}: job file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{self.path}: cannot read job file ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{self.path}: not valid TOML: {exc}") from None
        self.check_keys("top level", data, _TOP_KEYS)
        defaults = data.get("defaults", {})
        if not isinstance(defaults, dict):
            raise self.fail("top level", "defaults", "must be a table ([defaults])")
        self.check_keys("[defaults]", defaults, _DEFAULT_KEYS)
        entries = data.get("jobs")
        if not isinstance(entries, list) or not entries:
            raise self.fail("top level", "jobs", "missing: add at least one [[jobs]] table")
        batch = Batch(self.path)
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise self.fail(f"jobs[{i}]", None, "must be a table ([[jobs]])")
            self.entry(batch, i, entry, defaults, seen)
        outs: dict[Path, str] = {}
        for name, out in [(j.name, j.out) for j in batch.jobs] + [
            (c.name + " (changes)", c.out) for c in batch.comparisons
        ]:
            key = out.resolve()
            if key in outs:
                raise self.fail(f"job {name!r}", "out", f"{out} is also written by {outs[key]!r}")
            outs[key] = name
        return batch

    def entry(self, batch: Batch, i: int, entry: dict, defaults: dict, seen: set[str]) -> None:
        where = f"jobs[{i}]"
        name = self.string(where, entry, "name")
        if name is None:
            raise self.fail(where, "name", "missing")
        where = f"job {name!r}"
        if not _NAME.match(name):
            raise self.fail(where, "name", "use letters, digits, '.', '_' or '-' only")
        if name in seen:
            raise self.fail(where, "name", "used by two jobs")
        seen.add(name)
        self.check_keys(where, entry, _JOB_KEYS)

        def get(key: str, kind: str) -> Any:
            table = entry if key in entry else defaults
            src = where if key in entry else "[defaults]"
            return self.strings(src, table, key) if kind == "list" else self.string(src, table, key)

        heritage = self.string(where, entry, "heritage")
        if heritage is None:
            raise self.fail(where, "heritage", "missing")
        sites = [self.resolve(s) for s in get("sites", "list") or []]
        rules = get("rules", "str")
        crs = get("analysis_crs", "str")
        size_src = entry if "partition_size" in entry else defaults
        size = size_src.get("partition_size", DEFAULT_PARTITION_SIZE)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise self.fail(where, "partition_size", "must be a whole number >= 1")
        hz_src = where if "hazards" in entry else "[defaults]"
        common = [self.hazard(hz_src, "hazards", h, None) for h in get("hazards", "list") or []]
        out_dir = get("out_dir", "str")
        out_t = self.string(where, entry, "out")
        scen_t = entry.get("scenarios")
        base = dict(
            heritage=self.resolve(heritage),
            sites=tuple(sites),
            rules=self.resolve(rules) if rules else None,
            analysis_crs=crs,
            partition_size=size,
            entry=name,
        )
        if scen_t is None:
            if not common and not sites:
                raise self.fail(where, "hazards", "nothing to analyse: give sites or hazards")
            out = self.out_path(where, out_t, out_dir, f"{name}.gpkg", None)
            job = Job(name=name, hazards=tuple(common), out=out, **base)
            batch.jobs.append(job)
            order = _scenario_order(job.hazards)
            if order:
                changes = self.string(where, entry, "changes")
                cout = self.out_path(
                    where, changes, None, "", out.with_name(f"{out.stem}-changes.gpkg"), "changes"
                )
                batch.comparisons.append(Comparison(name, (name,), order, cout))
            return
        if not isinstance(scen_t, dict) or not scen_t:
            raise self.fail(where, "scenarios", 'must be a table of NAME = ["ID=RASTER", ...]')
        if out_t is not None and "{scenario}" not in out_t:
            raise self.fail(where, "out", "must contain {scenario} when the job has scenarios")
        names: list[str] = []
        for scen, specs in scen_t.items():
            swhere = f"{where} scenario {scen!r}"
            if not _NAME.match(scen):
                raise self.fail(where, "scenarios", f"{scen!r}: use letters, digits, '.', '_', '-'")
            if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
                raise self.fail(swhere, None, 'must be a list of "ID=RASTER" strings')
            hazards = common + [self.hazard(swhere, "hazards", s, scen) for s in specs]
            jname = f"{name}@{scen}"
            out = self.out_path(
                where,
                out_t and out_t.replace("{scenario}", scen),
                out_dir,
                f"{name}-{scen}.gpkg",
                None,
            )
            batch.jobs.append(Job(name=jname, hazards=tuple(hazards), out=out, **base))
            names.append(jname)
        order = _scenario_order(tuple(h for j in batch.jobs if j.entry == name for h in j.hazards))
        if order:
            changes = self.string(where, entry, "changes")
            default = None
            if out_t is not None:
                default = Path(self.resolve(out_t.replace("{scenario}", "changes")))
            cout = self.out_path(
                where, changes, out_dir, f"{name}-changes.gpkg", default, "changes"
            )
            batch.comparisons.append(Comparison(name, tuple(names), order, cout))

    def out_path(
        self,
        where: str,
        given: str | None,
        out_dir: str | None,
        default_name: str,
        default: Path | None,
        key: str = "out",
    ) -> Path:
        if given is not None:
            p = Path(self.resolve(given))
        elif default is not None:
            p = default
        elif out_dir is not None:
            p = Path(self.resolve(out_dir)) / default_name
        else:
            raise self.fail(where, key, "missing (or set out_dir in [defaults])")
        if p.suffix.lower() != ".gpkg":
            raise self.fail(where, key, f"{p}: must end in .gpkg")
        return p


def _scenario_order(hazards: tuple[HazardInput, ...]) -> dict[str, tuple[str, ...]]:
    """Hazards given for two scenarios or more, with their scenarios in order of appearance."""
    order: dict[str, list[str]] = {}
    for h in hazards:
        seq = order.setdefault(h.hazard, [])
        if h.scenario not in seq:
            seq.append(h.scenario)
    return {k: tuple(v) for k, v in order.items() if len(v) >= 2}


def parse_job_file(path: str | Path) -> Batch:
    """Parse and validate the keys of a job file (no file is opened but the job file)."""
    return _Parser(Path(path)).parse()


def check_inputs(batch: Batch) -> None:
    """Every input of every job exists and fits its rules; raises on the first problem."""
    from ..core.rules import load_rules

    checked: set[str] = set()
    rules_cache: dict[str | None, Any] = {}
    for job in batch.jobs:
        where = f"{batch.source}: job {job.name!r}"
        if job.rules not in rules_cache:
            try:
                rules_cache[job.rules] = load_rules(job.rules)
            except HeritagePlannerError as exc:
                raise InputError(f"{where}: 'rules': {exc}") from None
        rules = rules_cache[job.rules]
        for key, src in [("heritage", job.heritage)] + [("sites", s) for s in job.sites]:
            if src not in checked:
                _check_vector(where, key, src)
                checked.add(src)
        for h in job.hazards:
            if h.hazard not in rules.hazards:
                raise InputError(
                    f"{where}: 'hazards': {h.tag!r}: hazard {h.hazard!r} is not declared in "
                    f"rules {rules.source} (declared: {', '.join(rules.hazards) or 'none'})"
                )
            if h.path not in checked:
                _check_raster(where, h)
                checked.add(h.path)
        if len({h.tag for h in job.hazards}) != len(job.hazards):
            raise InputError(f"{where}: 'hazards': a hazard/scenario is given twice")
        if job.analysis_crs is not None:
            from ..core.geo import parse_crs

            try:
                crs = parse_crs(job.analysis_crs, what="analysis_crs")
            except HeritagePlannerError as exc:
                raise InputError(f"{where}: 'analysis_crs': {exc}") from None
            if not crs.is_projected:
                raise InputError(f"{where}: 'analysis_crs': must be a projected CRS in metres")
    for out in [j.out for j in batch.jobs] + [c.out for c in batch.comparisons]:
        if out.exists() and out.is_dir():
            raise InputError(f"{batch.source}: output {out} is a folder")


def _check_vector(where: str, key: str, src: str) -> None:
    path, layer = split_source(src)
    if not Path(path).is_file():
        raise InputError(f"{where}: {key!r}: {path}: file not found")
    from osgeo import gdal

    gdal.UseExceptions()
    try:
        ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError:
        ds = None
    if ds is None or ds.GetLayerCount() == 0:
        raise InputError(f"{where}: {key!r}: {path}: not a vector file GDAL can read")
    names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    ds = None
    if layer is not None and layer not in names:
        raise InputError(
            f"{where}: {key!r}: {path}: no layer named {layer!r} (layers: {', '.join(names)})"
        )
    if layer is None and len(names) > 1:
        raise InputError(
            f"{where}: {key!r}: {path} has {len(names)} layers ({', '.join(names)}); "
            f"pick one with {path}|layername=NAME"
        )


def _check_raster(where: str, h: HazardInput) -> None:
    from ..core.raster import raster_info

    if not Path(h.path).is_file() and not h.path.startswith("/vsi"):
        raise InputError(f"{where}: 'hazards': {h.tag}: {h.path}: file not found")
    try:
        raster_info(h.path, what=f"hazard raster {h.tag}")
    except HeritagePlannerError as exc:
        raise InputError(f"{where}: 'hazards': {exc}") from None


def load_batch(path: str | Path) -> Batch:
    """Parse a job file and check every input it names."""
    batch = parse_job_file(path)
    check_inputs(batch)
    return batch
