"""Fixtures: the small George Town sample of ``hp_report_sample`` analysed once, and the
report built from it once (most tests only read the PDF)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hp_report_sample import SampleData, make_sample

#: low resolution keeps the suite quick; maps are still rendered for real
TEST_DPI = 110.0


@pytest.fixture(scope="session")
def report_sample(tmp_path_factory: pytest.TempPathFactory) -> SampleData:
    return make_sample(tmp_path_factory.mktemp("hp_report_sample"))


@pytest.fixture(scope="session")
def built_report(report_sample: SampleData, tmp_path_factory: pytest.TempPathFactory, qgis_app):
    """(ReportInfo, pdf path): the default A4 landscape report with PNG pages."""
    from heritage_planner.layouts.report import build_report

    out = tmp_path_factory.mktemp("hp_report") / "report.pdf"
    info = build_report(
        report_sample.results,
        out,
        zones=report_sample.zones,
        organisation="George Town World Heritage Incorporated",
        png_dir=out.parent / "png",
        dpi=TEST_DPI,
    )
    return info, out


def pdftotext(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    text = subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True).stdout.decode()
    # Qt draws "fl"/"fi" as typographic ligatures; PDF viewers' search folds them the same way
    return text.replace("\ufb01", "fi").replace("\ufb02", "fl")


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_page_size(pdf: Path) -> str:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True).stdout.decode()
    return next(
        line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Page size")
    )
