"""The ``heritage-planner`` command: analyze, rules check, demo (and batch/report when present).

Exit codes: 0 success; 2 bad input or usage (one line ``error: ...`` on stderr); 3 a conflict at or
above ``--fail-on``; 1 only for bugs (with ``--debug`` the traceback is shown).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.definitions import Severity
from ..core.errors import CancelledError, HeritagePlannerError, InputError
from .progress import ProgressBar

EXIT_OK, EXIT_BUG, EXIT_INPUT, EXIT_FAIL_ON = 0, 1, 2, 3
#: optional subcommand modules, each with ``register(subparsers)``
PLUGGABLE = ("batch", "report")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_INPUT)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="heritage-planner",
        description="Where climate hazards and smart-city infrastructure collide with heritage.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    a = sub.add_parser("analyze", help="run the conflict analysis, write a results GeoPackage")
    a.add_argument(
        "--heritage",
        required=True,
        metavar="SRC",
        help="heritage polygons (OGR source, path|layername=NAME)",
    )
    a.add_argument(
        "--sites", action="append", default=[], metavar="SRC", help="sites layer (repeatable)"
    )
    a.add_argument(
        "--hazard",
        action="append",
        default=[],
        metavar="ID[@SCENARIO]=RASTER",
        help="hazard raster tagged with a hazard id of the rules (repeatable)",
    )
    a.add_argument("--rules", metavar="FILE", help="rules TOML (default: the built-in rule set)")
    a.add_argument("--out", required=True, metavar="OUT.gpkg", help="results GeoPackage")
    a.add_argument("--overwrite", action="store_true", help="replace an existing output")
    a.add_argument("--analysis-crs", metavar="EPSG:n", help="projected CRS for distances")
    a.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    a.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        type=_severity,
        help="exit 3 when a conflict of this severity or worse exists (low|medium|high|critical)",
    )
    a.add_argument("--report", metavar="OUT.pdf", help="also write a PDF map report")
    a.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    a.set_defaults(func=cmd_analyze)

    r = sub.add_parser("rules", help="rules files")
    rsub = r.add_subparsers(dest="rules_command", metavar="ACTION", parser_class=_Parser)
    rc = rsub.add_parser("check", help="validate a rules file")
    rc.add_argument("file", nargs="?", help="rules TOML (default: the built-in rule set)")
    rc.add_argument("--json", action="store_true")
    rc.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    rc.set_defaults(func=cmd_rules_check)
    r.set_defaults(func=lambda args: _missing_action(r))

    d = sub.add_parser("demo", help="generate the George Town sample and analyse it")
    d.add_argument("--out", default="build/demo", metavar="DIR", help="folder (default build/demo)")
    d.add_argument("--json", action="store_true")
    d.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    d.set_defaults(func=cmd_demo)

    for name in PLUGGABLE:
        try:
            mod = importlib.import_module(f"{__package__}.{name}")
        except ImportError as exc:
            if exc.name and exc.name.endswith(f"cli.{name}"):
                continue
            raise
        mod.register(sub)
        if hasattr(mod, "add_report_options"):  # analyze --report takes the report's options
            group = a.add_argument_group("report options (with --report)")
            mod.add_report_options(group)
            group.add_argument("--zones", metavar="LAYER", help="heritage zones drawn on the maps")
    return p


def _missing_action(parser: argparse.ArgumentParser) -> int:
    parser.error("missing action (try: rules check FILE)")
    return EXIT_INPUT


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    # GDAL's own block cache defaults to 5 % of RAM; the engine caches what it needs itself
    os.environ.setdefault("GDAL_CACHEMAX", "256")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_INPUT
    try:
        return int(args.func(args) or 0)
    except CancelledError as exc:
        _error(str(exc))
        return 130
    except KeyboardInterrupt:
        _error("interrupted; nothing was written")
        return 130
    except HeritagePlannerError as exc:
        if getattr(args, "debug", False):
            traceback.print_exc()
        _error(str(exc))
        return EXIT_INPUT
    except Exception:  # a bug: say so, with the traceback under --debug
        if getattr(args, "debug", False):
            traceback.print_exc()
        else:
            exc_type, exc_value, _ = sys.exc_info()
            _error(
                f"internal error ({exc_type.__name__ if exc_type else '?'}: {exc_value}); "
                "rerun with --debug and report it"
            )
        return EXIT_BUG


def _error(msg: str) -> None:
    sys.stderr.write(f"error: {' '.join(str(msg).split())}\n")


# --------------------------------------------------------------------------- analyze


def cmd_analyze(args: argparse.Namespace) -> int:
    from ..core.engine import AnalysisRequest, run_analysis
    from ..core.output import check_output_path, write_results
    from ..core.raster import HazardInput
    from ..core.rules import load_rules

    t0 = time.time()
    out = check_output_path(args.out, overwrite=args.overwrite)
    if args.report:
        _check_report_path(args.report, args.overwrite)
    if not args.sites and not args.hazard:
        raise InputError("nothing to analyse: give at least one --sites or --hazard")
    rules = load_rules(args.rules)
    hazards = [HazardInput.parse(h) for h in args.hazard]
    request = AnalysisRequest(
        heritage=args.heritage,
        sites=list(args.sites),
        hazards=hazards,
        rules=rules,
        analysis_crs=args.analysis_crs,
    )
    bar = ProgressBar()
    try:
        result = run_analysis(request, progress=bar.update)
        bar.update(1.0, "writing results")
        review = _carried_review(out, result)
        write_results(result, out, overwrite=args.overwrite, review=review)
    finally:
        bar.close()
    t1 = time.time()
    report_path = None
    if args.report:
        report_path = _write_report(out, args.report, args)
    summary = summarize(result, out, t1 - t0, report=report_path)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print_summary(result, out, summary)
    for w in result.warnings:
        sys.stderr.write(f"warning: {w}\n")
    if args.fail_on is not None:
        worst = [c for c in result.conflicts if c.severity.rank >= args.fail_on.rank]
        if worst:
            sys.stderr.write(
                f"fail-on {args.fail_on.value}: {len(worst)} conflicts "
                f"at or above {args.fail_on.value}\n"
            )
            return EXIT_FAIL_ON
    return EXIT_OK


def _carried_review(out: Path, result: Any) -> list[dict[str, Any]] | None:
    """Review rows for the new conflicts: open, or carried over from the output being replaced
    (conflicts that vanished stay listed as resolved)."""
    from ..core.review import carry_over

    return carry_over(out, result.conflicts).rows


def _check_report_path(path: str, overwrite: bool) -> None:
    p = Path(path)
    if p.suffix.lower() != ".pdf":
        raise InputError(f"--report {p}: must end in .pdf")
    if p.exists() and not overwrite:
        raise InputError(f"--report {p}: already exists; pass --overwrite to replace it")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise InputError(f"--report {p}: folder {parent} does not exist or is not writable")


def _write_report(results: Path, pdf: str, args: argparse.Namespace) -> str:
    try:
        from .report import report_from_analyze
    except ImportError:
        raise InputError("--report needs the QGIS layout engine (python3-qgis)") from None
    report_from_analyze(results, pdf, args)
    return str(Path(pdf))


def summarize(
    result: Any, out: Path, seconds: float, *, report: str | None = None
) -> dict[str, Any]:
    return {
        "output": str(out),
        "report": report,
        "rules": {
            "name": result.rules.name,
            "version": result.rules.version,
            "sha256": result.rules.sha256,
        },
        "analysis_crs": result.analysis_crs.to_string(),
        "heritage_features": len(result.heritage.ids),
        "sites": {s.layer: len(s.ids) for s in result.sites},
        "hazards": [t.input.tag for t in result.exposure],
        "conflicts": len(result.conflicts),
        "by_severity": result.counts_by_severity(),
        "by_rule": result.counts_by_rule(),
        "most_exposed": most_exposed(result),
        "warnings": list(result.warnings),
        "timings": {"total_s": round(seconds, 3), "analysis_s": result.run_info["elapsed_s"]},
    }


def most_exposed(result: Any, n: int = 5) -> list[dict[str, Any]]:
    """Per hazard raster, the heritage features with the largest share in the top classes."""
    import numpy as np

    from ..core.definitions import RuleType

    out = []
    for t in result.exposure:
        rules = [r for r in result.rules.rules_of(RuleType.EXPOSURE) if r.hazard == t.input.hazard]
        k = (
            min(t.hazard.class_index(r.min_class) for r in rules)
            if rules
            else max(len(t.hazard.classes) - 1, 0)
        )
        frac = np.nan_to_num(t.stats.frac_class[:, k:].sum(axis=1), nan=0.0)
        worst = np.nan_to_num(t.stats.max, nan=-np.inf)
        for i in np.lexsort((-worst, -frac))[:n]:
            if frac[i] <= 0:
                break
            out.append(
                {
                    "hazard": t.input.tag,
                    "heritage_id": result.heritage.ids[i],
                    "heritage_name": result.heritage.names[i],
                    "class": t.hazard.class_names[k]
                    + ("+" if k < len(t.hazard.classes) - 1 else ""),
                    "fraction": round(float(frac[i]), 4),
                    "max": None if np.isnan(t.stats.max[i]) else round(float(t.stats.max[i]), 3),
                    "unit": t.hazard.unit,
                }
            )
    return out


def print_summary(result: Any, out: Path, s: dict[str, Any]) -> None:
    w = sys.stdout.write
    w(f"Heritage Planner {__version__} — rules: {s['rules']['name']} v{s['rules']['version']}\n")
    sites = ", ".join(f"{k} ({v})" for k, v in s["sites"].items()) or "none"
    w(f"  heritage features: {s['heritage_features']}; sites: {sites}\n")
    w(f"  hazards: {', '.join(s['hazards']) or 'none'}; analysis CRS {s['analysis_crs']}\n\n")
    w(f"Conflicts: {s['conflicts']}\n")
    for sev in reversed(list(Severity)):
        w(f"  {sev.value:<9}{s['by_severity'][sev.value]:>6}\n")
    w("\nBy rule:\n")
    width = max((len(k) for k in s["by_rule"]), default=4)
    for rule in result.rules.rules:
        w(f"  {rule.id:<{width}}  {rule.severity.value:<8} {s['by_rule'].get(rule.id, 0):>6}\n")
    if s["most_exposed"]:
        w("\nMost exposed heritage features:\n")
        for e in s["most_exposed"]:
            name = e["heritage_name"] or e["heritage_id"]
            mx = "" if e["max"] is None else f", max {e['max']:g} {e['unit']}"
            w(f"  {e['hazard']:<18} {name[:44]:<44} {e['fraction']:>6.1%} in {e['class']}{mx}\n")
    w(f"\nResults: {out}\n")
    if s.get("report"):
        w(f"Report:  {s['report']}\n")


# --------------------------------------------------------------------------- rules check


def cmd_rules_check(args: argparse.Namespace) -> int:
    from ..core.rules import load_rules

    rules = load_rules(args.file)
    if args.json:
        print(
            json.dumps(
                {
                    "file": rules.source,
                    "name": rules.name,
                    "version": rules.version,
                    "sha256": rules.sha256,
                    "hazards": list(rules.hazards),
                    "rules": [r.id for r in rules.rules],
                },
                indent=2,
            )
        )
    else:
        print(
            f"ok: {rules.source}: {rules.name!r} v{rules.version}, {len(rules.hazards)} hazards, "
            f"{len(rules.rules)} rules (sha256 {rules.sha256[:12]})"
        )
    return EXIT_OK


# --------------------------------------------------------------------------- demo


def cmd_demo(args: argparse.Namespace) -> int:
    from ..core.demo import generate_demo

    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    files = generate_demo(folder)
    ns = argparse.Namespace(
        heritage=str(files.heritage),
        sites=files.sites_sources(),
        hazard=files.hazard_specs(),
        rules=None,
        out=str(folder / "results.gpkg"),
        overwrite=True,
        analysis_crs=None,
        json=args.json,
        fail_on=None,
        report=None,
        debug=getattr(args, "debug", False),
    )
    sys.stderr.write(f"demo: synthetic George Town sample written to {folder}\n")
    return cmd_analyze(ns)
