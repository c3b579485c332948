"""``heritage-planner report RESULTS.gpkg --out OUT.pdf``: the PDF report of existing results."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..core.errors import InputError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="write the PDF map report of a results GeoPackage",
        description="PDF report: an overview page, then one page per heritage feature with "
        "conflicts (worst severity first). Needs QGIS (python3-qgis); runs headless.",
    )
    p.add_argument("results", metavar="RESULTS.gpkg", help="results written by `analyze --out`")
    p.add_argument(
        "--out", required=True, metavar="OUT.pdf", help="PDF to write (replaced if it exists)"
    )
    add_report_options(p)
    p.add_argument(
        "--hazard-raster", metavar="RASTER", help="raster on the maps (default: the run's first)"
    )
    p.add_argument(
        "--zones", metavar="LAYER", help="heritage zone polygons to draw (path[|layername=X])"
    )
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(func=run)


def add_report_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``report`` and (through its own parser) ``analyze --report``."""
    p.add_argument(
        "--template", metavar="T.qpt", help="QGIS layout template replacing the built-in one"
    )
    p.add_argument(
        "--per-conflict", action="store_true", help="one page per conflict instead of per feature"
    )
    p.add_argument("--page-size", choices=("A4", "A3"), default="A4", type=str.upper)
    p.add_argument(
        "--orientation", choices=("portrait", "landscape"), default="landscape", type=str.lower
    )
    p.add_argument("--png-dir", metavar="DIR", help="also write one PNG per page into DIR")
    p.add_argument("--organisation", metavar="NAME", help="organisation named in the header")
    p.add_argument("--logo", metavar="PNG", help="logo image for the header")
    p.add_argument("--title", metavar="TEXT", help="report title")
    p.add_argument(
        "--min-severity",
        choices=("low", "medium", "high", "critical"),
        help="only pages for features whose worst conflict is at least this severe",
    )


def _options(args: argparse.Namespace) -> dict[str, Any]:
    g = lambda name, default=None: getattr(args, name, default)  # noqa: E731
    return {
        "template": g("template"),
        "per_conflict": bool(g("per_conflict", False)),
        "page_size": g("page_size") or "A4",
        "orientation": g("orientation") or "landscape",
        "png_dir": g("png_dir"),
        "organisation": g("organisation"),
        "logo": g("logo"),
        "title": g("title"),
        "min_severity": g("min_severity"),
    }


def _build(results: str | Path, out_pdf: str | Path, **kwargs: Any) -> Any:
    try:
        from ..layouts.report import build_report
    except ImportError as exc:  # no python3-qgis
        raise InputError(
            f"the PDF report needs QGIS's Python bindings (python3-qgis): {exc}"
        ) from None
    return build_report(results, out_pdf, **kwargs)


def run(args: argparse.Namespace) -> int:
    info = _build(
        args.results,
        args.out,
        hazard_raster=args.hazard_raster,
        zones=args.zones,
        feedback=_stderr_progress if sys.stderr.isatty() else None,
        **_options(args),
    )
    if args.json:
        print(
            json.dumps(
                {
                    "pdf": str(info.pdf),
                    "pages": info.page_count,
                    "feature_pages": info.pages,
                    "png": [str(p) for p in info.png_files],
                    "template": str(info.template),
                    "warnings": info.warnings,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print(
            f"wrote {info.pdf} ({info.page_count} pages: overview + {info.page_count - 1} "
            f"{'conflict' if args.per_conflict else 'heritage feature'} pages)"
        )
        if info.png_files:
            print(f"wrote {len(info.png_files)} PNG pages to {info.png_files[0].parent}")
    for w in info.warnings:
        sys.stderr.write(f"warning: {w}\n")
    return 0


def _stderr_progress(frac: float, text: str) -> None:
    sys.stderr.write(f"\r{frac * 100:5.1f}% {text[:60]:<60}")
    if frac >= 1.0:
        sys.stderr.write("\n")
    sys.stderr.flush()


def report_from_analyze(
    results_gpkg: str | Path, out_pdf: str | Path, args: argparse.Namespace
) -> None:
    """``analyze --report OUT.pdf``: the report of the results just written.

    The map raster is the first ``--hazard``; report options present on ``args`` (e.g.
    ``--template``) are honoured, others take their defaults.
    """
    from ..core.raster import HazardInput

    hazards = list(getattr(args, "hazard", None) or [])
    raster = HazardInput.parse(hazards[0]).path if hazards else None
    _build(
        results_gpkg,
        out_pdf,
        hazard_raster=raster,
        zones=getattr(args, "zones", None),
        **_options(args),
    )
