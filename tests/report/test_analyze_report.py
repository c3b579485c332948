"""``analyze --report``: results and the PDF in one command, with the report's options."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import shapely
from hp_data import REPO, write_raster, write_vector


def test_analyze_with_report_options(tmp_path):
    write_vector(
        tmp_path / "her.gpkg",
        [shapely.box(0, 0, 20, 20), shapely.box(40, 0, 60, 20)],
        {
            "hid": ["A", "B"],
            "name": ["Khoo Kongsi 邱公司", "Masjid Kapitan Keling"],
            "zone": ["core", "buffer"],
            "category": ["I", "II"],
        },
    )
    write_vector(
        tmp_path / "sites.gpkg",
        [shapely.Point(10, 10), shapely.Point(45, 5)],
        {"sid": ["s1", "s2"], "kind": ["smart_pole", "iot_sensor"]},
    )
    write_raster(
        tmp_path / "flood.tif",
        np.full((10, 10), 0.8, dtype="float32"),
        origin=(0, 50),
        res=(10, 10),
    )
    pdf = tmp_path / "r.pdf"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "heritage_planner",
            "analyze",
            "--heritage",
            str(tmp_path / "her.gpkg"),
            "--sites",
            str(tmp_path / "sites.gpkg"),
            "--hazard",
            f"flood={tmp_path / 'flood.tif'}",
            "--out",
            str(tmp_path / "out.gpkg"),
            "--report",
            str(pdf),
            "--page-size",
            "A3",
            "--orientation",
            "portrait",
            "--organisation",
            "MBPP Heritage Unit",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    assert pdf.exists() and not list(tmp_path.glob(".*part*"))
    # inputs are never modified: nothing new next to them (no .aux.xml statistics files)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "flood.tif",
        "her.gpkg",
        "out.gpkg",
        "r.pdf",
        "sites.gpkg",
    ]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(ln for ln in info.splitlines() if ln.startswith("Pages:")).split()[1])
    assert (
        pages == 3
    )  # overview + both buildings (A: flood, pole inside; B: sensor setback + flood)
    assert "842 x 1191" in info  # A3 portrait, in points
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "MBPP Heritage Unit" in text and "Khoo Kongsi" in text


def test_feature_with_many_conflicts_says_how_many_are_listed(tmp_path):
    from heritage_planner.layouts.report import MAX_FEATURE_ROWS

    n = MAX_FEATURE_ROWS + 8
    write_vector(
        tmp_path / "her.gpkg",
        [shapely.box(0, 0, 40, 40)],
        {"hid": ["A"], "name": ["Cheong Fatt Tze Mansion"], "zone": ["core"], "category": ["I"]},
    )
    xs = np.linspace(2, 38, n)
    write_vector(
        tmp_path / "sites.gpkg",
        [shapely.Point(x, 20) for x in xs],
        {"sid": [f"P{i:02d}" for i in range(n)], "kind": ["smart_pole"] * n},
    )
    pdf = tmp_path / "r.pdf"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "heritage_planner",
            "analyze",
            "--heritage",
            str(tmp_path / "her.gpkg"),
            "--sites",
            str(tmp_path / "sites.gpkg"),
            "--out",
            str(tmp_path / "out.gpkg"),
            "--report",
            str(pdf),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    page2 = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    flat = " ".join(page2.replace("\ufb02", "fl").replace("\ufb01", "fi").split())
    assert f"Only the {MAX_FEATURE_ROWS} most severe of {n} conflicts are listed here" in flat
