"""The PDF report against the real QGIS layout engine, read back with poppler (pdftotext,
pdftoppm) and QImage; the sample and its expected pages are in ``hp_report_sample``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_DPI, pdf_page_size, pdf_pages, pdftotext
from hp_report_sample import EXPECTED_PAGES, N_CONFLICTS

from heritage_planner.core.definitions import SEVERITY_COLORS, Severity
from heritage_planner.core.errors import CancelledError, InputError, OutputError
from heritage_planner.core.output import read_run_info

pytestmark = pytest.mark.qgis_app

RENDER_DPI = 60


def _conflicts(results: Path) -> list[dict]:
    from osgeo import ogr

    ds = ogr.Open(str(results))
    return [{k: f.GetField(k) for k in f.keys()} for f in ds.GetLayerByName("conflicts")]


def _render(pdf: Path, folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(RENDER_DPI), str(pdf), str(folder / "page")], check=True
    )
    return sorted(folder.glob("page-*.png"))


def _map_rect_px(item_id: str, page: int) -> tuple[int, int, int, int]:
    """The map item's rectangle on its page of the built-in A4 landscape template, in pixels."""
    from qgis.core import QgsProject

    from heritage_planner.layouts.templates import build_builtin_layout

    layout = build_builtin_layout(QgsProject(), "A4", "landscape")
    item = layout.itemById(item_id)
    pos = layout.pageCollection().positionOnPage(item.pos())
    k = RENDER_DPI / 25.4
    rect = item.rect()
    assert item.page() == page
    return (
        int(pos.x() * k) + 2,
        int(pos.y() * k) + 2,
        int(rect.width() * k) - 4,
        int(rect.height() * k) - 4,
    )


def _pixels(png: Path, rect: tuple[int, int, int, int]) -> list[tuple[int, int, int]]:
    from qgis.PyQt.QtGui import QColor, QImage

    img = QImage(str(png))
    assert not img.isNull()
    x0, y0, w, h = rect
    out = []
    for y in range(y0, min(y0 + h, img.height())):
        for x in range(x0, min(x0 + w, img.width())):
            c = QColor(img.pixel(x, y))
            out.append((c.red(), c.green(), c.blue()))
    return out


def _count_near(pixels: list[tuple[int, int, int]], hex_color: str, tol: int = 36) -> int:
    from qgis.PyQt.QtGui import QColor

    c = QColor(hex_color)
    r, g, b = c.red(), c.green(), c.blue()
    return sum(1 for p in pixels if abs(p[0] - r) + abs(p[1] - g) + abs(p[2] - b) <= tol)


# --------------------------------------------------------------------------- content


def test_one_page_per_affected_heritage_feature_worst_first(built_report):
    info, pdf = built_report
    assert pdf.is_file()
    assert pdf_pages(pdf) == 1 + len(EXPECTED_PAGES) == info.page_count
    assert [
        (p["heritage_id"], p["title"], p["worst"], len(p["conflicts"])) for p in info.pages
    ] == [(hid, name, worst, n) for hid, name, worst, n in EXPECTED_PAGES]
    assert "A4" in pdf_page_size(pdf) and pdf_page_size(pdf).startswith("842 x 595")
    # no temporary file left next to the PDF
    assert sorted(p.name for p in pdf.parent.iterdir()) == ["png", "report.pdf"]


def test_text_has_names_conflict_ids_and_rules_hash(built_report, report_sample):
    info, pdf = built_report
    text = pdftotext(pdf)
    for _, name, _, _ in EXPECTED_PAGES:
        assert name in text
    assert "邱公司" in text and "ஸ்ரீ மகாமாரியம்மன் கோவில்" in text
    conflicts = _conflicts(report_sample.results)
    assert len(conflicts) == N_CONFLICTS
    for c in conflicts:
        assert c["conflict_id"] in text
    rules_sha = read_run_info(report_sample.results)["rules"]["sha256"]
    assert len(rules_sha) == 64 and rules_sha in text
    assert "George Town World Heritage Incorporated" in text
    for word in ("Prepared by", "Reviewed by", "Run record", "Conflicts by rule", "Legend"):
        assert word in text


def test_each_feature_page_shows_its_feature_and_only_its_conflicts(built_report, report_sample):
    _, pdf = built_report
    conflicts = _conflicts(report_sample.results)
    for n, (hid, name, worst, count) in enumerate(EXPECTED_PAGES, start=2):
        text = pdftotext(pdf, n)
        assert name in text
        assert f"heritage id {hid}" in text
        assert worst.upper() in text
        mine = [c["conflict_id"] for c in conflicts if c["heritage_id"] == hid]
        others = [c["conflict_id"] for c in conflicts if c["heritage_id"] != hid]
        assert len(mine) == count
        assert all(cid in text for cid in mine)
        assert not any(cid in text for cid in others)
        assert f"page {n} of {1 + len(EXPECTED_PAGES)}" in text
    # the conflict tied to no heritage feature is listed on the overview
    unlinked = [c for c in conflicts if c["heritage_id"] is None]
    assert len(unlinked) == 1 and unlinked[0]["conflict_id"] in pdftotext(pdf, 1)


def test_map_pages_are_not_blank_and_show_severity_colours(built_report, tmp_path):
    _, pdf = built_report
    pngs = _render(pdf, tmp_path / "render")
    assert len(pngs) == 1 + len(EXPECTED_PAGES)
    # overview: every severity present in the sample is drawn on the map
    pix = _pixels(pngs[0], _map_rect_px("hp_overview_map", 0))
    background = _count_near(pix, "#fbfaf7", tol=6)
    assert background < 0.95 * len(pix), "overview map is blank"
    for sev in Severity:
        assert _count_near(pix, SEVERITY_COLORS[sev]) >= 4, f"{sev} not on the overview map"
    # feature pages: the map is drawn and shows the page's worst severity
    for png, (_, name, worst, _) in zip(pngs[1:], EXPECTED_PAGES, strict=True):
        pix = _pixels(png, _map_rect_px("hp_feature_map", 0 if False else 1))
        assert _count_near(pix, "#fbfaf7", tol=6) < 0.9 * len(pix), f"map of {name} is blank"
        assert (
            _count_near(pix, SEVERITY_COLORS[Severity(worst)]) >= 20
        ), f"{worst} missing for {name}"


def test_png_per_page(built_report):
    from qgis.PyQt.QtGui import QImage

    info, pdf = built_report
    assert [p.name for p in info.png_files] == [
        f"report-{n:03d}.png" for n in range(1, 2 + len(EXPECTED_PAGES))
    ]
    img = QImage(str(info.png_files[0]))
    assert img.width() > img.height() > 500  # landscape, at least ~60 dpi
    assert not [p for p in info.png_files[0].parent.iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- templates


def _items(layout) -> list[tuple]:
    from qgis.core import QgsLayoutItem, QgsLayoutItemScaleBar, QgsLayoutSize

    out = []
    for it in layout.items():
        if isinstance(it, QgsLayoutItem) and it.id():
            pos = it.positionWithUnits()
            # scale bars size themselves to their linked map's extent
            size = QgsLayoutSize() if isinstance(it, QgsLayoutItemScaleBar) else it.sizeWithUnits()
            out.append(
                (
                    it.id(),
                    it.type(),
                    it.page(),
                    round(pos.x(), 2),
                    round(pos.y(), 2),
                    round(size.width(), 2),
                    round(size.height(), 2),
                )
            )
    return sorted(out)


def _load(path: Path):
    from qgis.core import QgsPrintLayout, QgsProject, QgsReadWriteContext
    from qgis.PyQt.QtXml import QDomDocument

    doc = QDomDocument()
    assert doc.setContent(path.read_text(encoding="utf-8"))[0]
    layout = QgsPrintLayout(QgsProject.instance())
    _, ok = layout.loadFromTemplate(doc, QgsReadWriteContext(), True)
    assert ok
    return layout


@pytest.mark.parametrize("size", ["A4", "A3"])
@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_builtin_template_round_trip(size, orientation, tmp_path):
    from qgis.core import QgsReadWriteContext

    from heritage_planner.layouts import templates as T

    path = T.builtin_template_path(size, orientation)
    first = _load(path)
    assert first.pageCollection().pageCount() == 2
    ids = {i[0] for i in _items(first)}
    assert {
        T.TITLE,
        T.OVERVIEW_MAP,
        T.OVERVIEW_LEGEND,
        T.RULES_TABLE,
        T.RUN_TABLE,
        T.SIGNOFF_TABLE,
        T.FEATURE_MAP,
        T.FEATURE_CONFLICTS,
        T.FEATURE_EXPOSURE,
    } <= ids
    w, h = T.page_dimensions(size, orientation)
    page = first.pageCollection().page(0).sizeWithUnits()
    assert (round(page.width()), round(page.height())) == (round(w), round(h))
    saved = tmp_path / "again.qpt"
    assert first.saveAsTemplate(str(saved), QgsReadWriteContext())
    second = _load(saved)
    assert _items(second) == _items(first)
    # the committed template is what the builder makes today
    built = T.build_builtin_layout(first.project(), size, orientation)
    assert _items(built) == _items(first)


def test_user_template_is_honoured(report_sample, tmp_path, qgis_app):
    from qgis.core import QgsReadWriteContext

    from heritage_planner.layouts import templates as T
    from heritage_planner.layouts.report import build_report

    layout = _load(T.builtin_template_path("A4", "portrait"))
    layout.itemById(T.TITLE).setText("Penang Island City Council · [% @hp_rules_name %]")
    layout.removeLayoutItem(layout.itemById(T.FEATURE_LOCATOR))
    user = tmp_path / "council.qpt"
    assert layout.saveAsTemplate(str(user), QgsReadWriteContext())
    out = tmp_path / "council.pdf"
    info = build_report(report_sample.results, out, template=user, per_conflict=True, dpi=TEST_DPI)
    assert info.template == user
    assert pdf_pages(out) == 1 + N_CONFLICTS == info.page_count
    assert pdf_page_size(out).startswith("595 x 842")  # the template's A4 portrait
    assert "Penang Island City Council · George Town baseline" in " ".join(
        pdftotext(out, 1).split()
    )
    # per conflict: the site-hazard conflict tied to no heritage feature gets a page too
    text = pdftotext(out)
    assert all(c["conflict_id"] in text for c in _conflicts(report_sample.results))


def test_a3_portrait_builtin(report_sample, tmp_path, qgis_app):
    from heritage_planner.layouts.report import build_report

    out = tmp_path / "a3.pdf"
    info = build_report(report_sample.results, out, page_size="A3", orientation="portrait", dpi=72)
    assert info.page_count == pdf_pages(out) == 1 + len(EXPECTED_PAGES)
    assert pdf_page_size(out).startswith("842 x 1191")


# --------------------------------------------------------------------------- bad input


def _no_pdf(folder: Path) -> None:
    assert not [p for p in folder.iterdir() if p.suffix == ".pdf" or p.name.startswith(".")]


def test_missing_and_broken_templates(report_sample, tmp_path, qgis_app):
    from heritage_planner.layouts.report import build_report

    out = tmp_path / "r.pdf"
    with pytest.raises(InputError, match="file not found"):
        build_report(report_sample.results, out, template=tmp_path / "nope.qpt")
    broken = tmp_path / "broken.qpt"
    broken.write_text("<Layout><unclosed></Layout", encoding="utf-8")
    with pytest.raises(InputError, match="not a QGIS layout template"):
        build_report(report_sample.results, out, template=broken)
    one_page = tmp_path / "one.qpt"
    from qgis.core import QgsPrintLayout, QgsProject, QgsReadWriteContext

    lay = QgsPrintLayout(QgsProject.instance())
    lay.initializeDefaults()
    assert lay.saveAsTemplate(str(one_page), QgsReadWriteContext())
    with pytest.raises(InputError, match="needs 2 pages"):
        build_report(report_sample.results, out, template=one_page)
    _no_pdf(tmp_path)


def test_not_a_results_file(report_sample, tmp_path, qgis_app):
    from osgeo import ogr

    from heritage_planner.layouts.report import build_report

    empty = tmp_path / "empty.gpkg"
    ogr.GetDriverByName("GPKG").CreateDataSource(str(empty))
    out = tmp_path / "r.pdf"
    with pytest.raises(InputError, match="not a Heritage Planner results file"):
        build_report(empty, out)
    with pytest.raises(InputError, match="not a Heritage Planner results file"):
        build_report(report_sample.heritage, out)
    text = tmp_path / "notes.gpkg"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="not a GeoPackage"):
        build_report(text, out)
    with pytest.raises(InputError, match="not found"):
        build_report(tmp_path / "missing.gpkg", out)
    _no_pdf(tmp_path)


def test_unwritable_output(report_sample, tmp_path, qgis_app):
    from heritage_planner.layouts.report import build_report

    with pytest.raises(OutputError, match="does not exist"):
        build_report(report_sample.results, tmp_path / "no" / "such" / "r.pdf")
    (tmp_path / "adir.pdf").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        build_report(report_sample.results, tmp_path / "adir.pdf")
    with pytest.raises(OutputError, match=r"must end in \.pdf"):
        build_report(report_sample.results, tmp_path / "r.png")


def test_cancel_leaves_no_partial_pdf_and_keeps_the_old_one(report_sample, tmp_path, qgis_app):
    from heritage_planner.layouts.report import build_report

    out = tmp_path / "r.pdf"
    out.write_bytes(b"%PDF-1.4 previous report")
    calls = []

    def progress(frac: float, text: str) -> None:
        calls.append(text)

    with pytest.raises(CancelledError):
        build_report(
            report_sample.results,
            out,
            feedback=progress,
            is_cancelled=lambda: any(t.startswith("page 2") for t in calls),
            dpi=72,
        )
    assert out.read_bytes() == b"%PDF-1.4 previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


# --------------------------------------------------------------------------- front ends


def test_cli_report_and_errors(report_sample, tmp_path):
    """Through a fresh process: the CLI starts its own headless QGIS."""
    out = tmp_path / "cli.pdf"
    cmd = [
        sys.executable,
        "-m",
        "heritage_planner",
        "report",
        str(report_sample.results),
        "--out",
        str(out),
        "--page-size",
        "a4",
        "--orientation",
        "portrait",
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert f"wrote {out} (4 pages" in res.stdout
    assert pdf_pages(out) == 4
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "heritage_planner",
            "report",
            str(report_sample.heritage),
            "--out",
            str(tmp_path / "x.pdf"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("error: results file")
    assert len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_processing_algorithm(report_sample, tmp_path, qgis_processing):
    import processing
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProject

    from heritage_planner.processing.provider import HeritagePlannerProvider

    registry = QgsApplication.processingRegistry()
    added = registry.providerById("heritage_planner") is None
    if added:
        assert registry.addProvider(HeritagePlannerProvider())
    try:
        out = tmp_path / "alg.pdf"
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        res = processing.run(
            "heritage_planner:conflictreport",
            {
                "RESULTS": str(report_sample.results),
                "OUTPUT": str(out),
                "PAGE_SIZE": 0,
                "ORIENTATION": 1,
            },
            context=context,
        )
        assert res["PAGE_COUNT"] == 1 + len(EXPECTED_PAGES) == pdf_pages(out)
        assert Path(res["OUTPUT"]) == out
        from qgis.core import QgsProcessingException

        with pytest.raises(QgsProcessingException, match="not a Heritage Planner results file"):
            processing.run(
                "heritage_planner:conflictreport",
                {"RESULTS": str(report_sample.heritage), "OUTPUT": str(tmp_path / "bad.pdf")},
                context=context,
            )
    finally:
        if added:
            registry.removeProvider("heritage_planner")


def test_from_a_qgstask_layouts_run_on_the_main_thread(report_sample, tmp_path, qgis_app, qtbot):
    """The dock's path: build_report in a QgsTask worker, layout work handed to the main thread
    while the event loop keeps running."""
    import threading

    from qgis.core import QgsApplication, QgsFeedback, QgsTask

    from heritage_planner.layouts import report as report_mod

    out = tmp_path / "task.pdf"
    seen: dict = {}
    original = report_mod._ReportJob.run

    def spy(self):
        seen["thread"] = threading.current_thread() is threading.main_thread()
        return original(self)

    feedback = QgsFeedback()
    progress: list[float] = []
    feedback.progressChanged.connect(progress.append)

    state: dict = {}

    class Task(QgsTask):
        def run(self):
            seen["worker"] = threading.current_thread() is not threading.main_thread()
            state["info"] = report_mod.build_report(
                report_sample.results, out, feedback=feedback, dpi=72
            )
            return True

        def finished(self, ok):
            state["ok"] = ok

    report_mod._ReportJob.run = spy
    try:
        task = Task("report", QgsTask.Flag.CanCancel)
        QgsApplication.taskManager().addTask(task)
        qtbot.waitUntil(lambda: "ok" in state, timeout=120_000)
    finally:
        report_mod._ReportJob.run = original
    assert state["ok"] is True
    assert state["info"].page_count == 1 + len(EXPECTED_PAGES)
    assert seen == {"worker": True, "thread": True}
    assert pdf_pages(out) == 1 + len(EXPECTED_PAGES)
    assert progress and max(progress) == pytest.approx(100.0)


def test_min_severity_limits_pages_not_the_summary(report_sample, tmp_path, qgis_app):
    from heritage_planner.layouts.report import build_report

    out = tmp_path / "crit.pdf"
    info = build_report(report_sample.results, out, min_severity="critical", dpi=72)
    assert [p["heritage_id"] for p in info.pages] == ["H2"]
    assert pdf_pages(out) == 2
    overview = " ".join(pdftotext(out, 1).split())
    assert "only critical or worse: 1 of 3 features" in overview
    assert "total 6 3" in overview  # the severity table still counts every conflict and feature
    with pytest.raises(InputError, match="unknown severity"):
        build_report(report_sample.results, out, min_severity="dire")
