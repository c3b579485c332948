"""The command line: exit codes, one-line errors for every bad input, outputs never damaged."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from hp_data import REPO, write_raster, write_vector

from heritage_planner.cli.main import main


@pytest.fixture
def data(tmp_path):
    her = [shapely.box(0, 0, 20, 20), shapely.box(40, 0, 60, 20)]
    write_vector(
        tmp_path / "her.gpkg",
        her,
        {
            "hid": ["A", "B"],
            "name": ["Khoo Kongsi 邱公司", "B"],
            "zone": ["core", "buffer"],
            "category": ["I", "II"],
        },
    )
    write_vector(
        tmp_path / "sites.gpkg",
        [shapely.Point(10, 10), shapely.Point(100, 100)],
        {"sid": ["s1", "s2"], "kind": ["smart_pole", "cctv"]},
    )
    write_vector(tmp_path / "points.gpkg", [shapely.Point(1, 1)], {"sid": ["x"]})
    vals = np.full((10, 10), 0.8, dtype="float32")
    write_raster(tmp_path / "flood.tif", vals, origin=(0, 50), res=(10, 10))
    (tmp_path / "junk.tif").write_text("not a raster")
    (tmp_path / "junk.gpkg").write_text("not a geopackage")
    return tmp_path


def args(d, *extra, out="out.gpkg"):
    base = [
        "analyze",
        "--heritage",
        str(d / "her.gpkg"),
        "--sites",
        str(d / "sites.gpkg"),
        "--hazard",
        f"flood={d / 'flood.tif'}",
        "--out",
        str(d / out),
    ]
    return base + list(extra)


def run(argv, capsys):
    code = main(argv)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def one_line_error(err: str) -> str:
    lines = [ln for ln in err.splitlines() if not ln.startswith("warning:")]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    return lines[0]


def test_analyze_ok_json_and_fail_on(data, capsys):
    code, out, err = run(args(data, "--json"), capsys)
    assert code == 0, err
    s = json.loads(out)
    assert s["output"].endswith("out.gpkg") and Path(s["output"]).exists()
    assert s["by_severity"]["high"] >= 1 and s["by_rule"]["cell-in-core"] == 1
    assert s["conflicts"] == sum(s["by_severity"].values())
    assert "total_s" in s["timings"]
    code, out, err = run(args(data, "--fail-on", "high", out="o2.gpkg"), capsys)
    assert code == 3 and "fail-on high" in err
    code, out, err = run(args(data, "--fail-on", "critical", out="o3.gpkg"), capsys)
    assert code == 0  # the worst here is high (no Category I cabinet)


def test_human_summary(data, capsys):
    code, out, _ = run(args(data), capsys)
    assert code == 0
    assert "Conflicts:" in out and "cell-in-core" in out and "Most exposed heritage features" in out
    assert "Khoo Kongsi 邱公司" in out


BAD = [
    (lambda d: ["--heritage", str(d / "missing.gpkg")], "heritage layer", "file not found"),
    (lambda d: ["--heritage", str(d / "points.gpkg")], "needs polygons", "points"),
    (
        lambda d: ["--heritage", f"{d / 'her.gpkg'}|layername=nope"],
        "no layer named 'nope'",
        "layers: her",
    ),
    (lambda d: ["--heritage", str(d / "junk.gpkg")], "not a vector file", "junk.gpkg"),
    (lambda d: ["--sites", str(d / "nosites.gpkg")], "sites layer", "file not found"),
    (
        lambda d: ["--hazard", f"flood@2050={d / 'none.tif'}"],
        "hazard raster flood@2050",
        "file not found",
    ),
    (lambda d: ["--hazard", f"flood@x={d / 'junk.tif'}"], "not a raster GDAL can read", "junk.tif"),
    (lambda d: ["--hazard", "flood"], "expected ID=RASTER or ID@SCENARIO=RASTER", "--hazard"),
    (
        lambda d: ["--hazard", f"storm={d / 'flood.tif'}"],
        "hazard 'storm' is not declared",
        "declared: flood",
    ),
    (lambda d: ["--analysis-crs", "EPSG:4326"], "must be a projected CRS", "--analysis-crs"),
    (lambda d: ["--analysis-crs", "EPSG:999999"], "unknown CRS", "--analysis-crs"),
    (lambda d: ["--rules", str(d / "nope.toml")], "rules file not found", "nope.toml"),
]


def _replace(heritage_cmd, argv):
    """Put the bad option in place of the good one of the same name."""
    out = list(argv)
    opt, val = heritage_cmd[0], heritage_cmd[1]
    if opt in out and opt != "--hazard":
        out[out.index(opt) + 1] = val
    elif opt == "--hazard":
        out[out.index(opt) + 1] = val
    else:
        out += [opt, val]
    return out


@pytest.mark.parametrize(("bad", "must1", "must2"), BAD)
def test_bad_input_exit_2_one_line_no_output(data, capsys, bad, must1, must2):
    code, out, err = run(_replace(bad(data), args(data)), capsys)
    assert code == 2, err
    line = one_line_error(err)
    assert must1 in line and must2 in line, line
    assert not (data / "out.gpkg").exists()
    assert not list(data.glob(".*part*"))


@pytest.mark.parametrize(
    ("edit", "must"),
    [
        (
            ('id = "cell-in-core"', 'id = "cell-in-core"\ncolour = 1'),
            "rule 'cell-in-core': unknown key 'colour'",
        ),
        (("distance_m = 0.0", 'distance_m = "0"'), "'distance_m' must be an integer or a number"),
        (('severity = "low"', 'severity = "meh"'), "unknown severity 'meh'"),
        (('min_class = "high"', 'min_class = "hgih"'), "unknown class 'hgih'"),
        (
            (
                'hazard = "flood"\nmin_class = "high"\nmin_fraction',
                'hazard = "fog"\nmin_class = "high"\nmin_fraction',
            ),
            "unknown hazard 'fog'",
        ),
        (('id = "sensor-setback"', 'id = "cell-in-core"'), "duplicate rule id"),
        (('name = "name"', 'name = "nom"'), "heritage name field 'nom' not found"),
        (('kind = "kind"', 'kind = "type"'), "site kind field 'type' not found"),
    ],
)
def test_rules_errors_via_cli(data, capsys, edit, must):
    text = (REPO / "resources/rules/default.toml").read_text()
    assert edit[0] in text
    (data / "r.toml").write_text(text.replace(edit[0], edit[1], 1))
    code, _, err = run(args(data, "--rules", str(data / "r.toml")), capsys)
    assert code == 2
    line = one_line_error(err)
    assert must in line and ("r.toml" in line or "field" in line), line
    code, _, err = run(["rules", "check", str(data / "r.toml")], capsys)
    if "field" not in must:
        assert code == 2 and must in one_line_error(err)


def test_rule_without_raster_is_skipped_with_warning(data, capsys):
    code, _, err = run(args(data), capsys)
    assert code == 0
    assert "warning: rule 'heritage-heat' skipped: no raster given for hazard 'heat'" in err


def test_existing_output_never_damaged(data, capsys):
    assert run(args(data), capsys)[0] == 0
    target = data / "out.gpkg"
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    code, _, err = run(args(data), capsys)  # exists, no --overwrite
    assert code == 2 and "already exists; pass --overwrite" in one_line_error(err)
    # a run that fails after it started, with --overwrite: the old file stays as it was
    write_vector(
        data / "dup.gpkg",
        [shapely.Point(10, 10), shapely.Point(11, 11)],
        {"sid": ["same", "same"], "kind": ["smart_pole", "smart_pole"]},
    )
    argv = _replace(["--sites", str(data / "dup.gpkg")], args(data, "--overwrite"))
    code, _, err = run(argv, capsys)
    assert code == 2 and "used by more than one feature" in one_line_error(err)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(".")) == []


def test_interrupted_write_leaves_nothing(data, tmp_path):
    from heritage_planner.core.engine import AnalysisRequest, run_analysis
    from heritage_planner.core.errors import CancelledError
    from heritage_planner.core.output import write_results
    from heritage_planner.core.raster import HazardInput

    res = run_analysis(
        AnalysisRequest(
            str(data / "her.gpkg"),
            [str(data / "sites.gpkg")],
            [HazardInput("flood", str(data / "flood.tif"))],
        )
    )
    calls = iter(range(100))
    with pytest.raises(CancelledError):
        write_results(res, tmp_path / "x.gpkg", is_cancelled=lambda: next(calls) >= 2)
    assert not (tmp_path / "x.gpkg").exists()
    assert not [p for p in tmp_path.iterdir() if "part" in p.name]


def test_output_folder_missing_and_wrong_suffix(data, capsys):
    code, _, err = run(args(data, out="nofolder/out.gpkg"), capsys)
    assert code == 2 and "does not exist" in one_line_error(err)
    code, _, err = run(args(data, out="out.shp"), capsys)
    assert code == 2 and "must end in .gpkg" in one_line_error(err)


def test_usage_errors_are_one_line(data, capsys):
    with pytest.raises(SystemExit) as e:
        main(["analyze", "--heritage", "x"])
    assert e.value.code == 2
    assert "--out" in one_line_error(capsys.readouterr().err)
    with pytest.raises(SystemExit) as e:
        main(args(data, "--fail-on", "severe"))
    assert e.value.code == 2
    assert "unknown severity 'severe'" in one_line_error(capsys.readouterr().err)


def test_debug_shows_traceback(data, capsys):
    code, _, err = run(
        ["--debug", *_replace(["--heritage", str(data / "missing.gpkg")], args(data))], capsys
    )
    assert code == 2 and "Traceback" in err and err.strip().splitlines()[-1].startswith("error: ")


def test_rules_check_ok(capsys):
    code, out, _ = run(["rules", "check"], capsys)
    assert code == 0 and out.startswith("ok: ") and "default.toml" in out


def test_python_m_and_console_script(data):
    env_py = Path(sys.executable)
    r = subprocess.run(
        [str(env_py), "-m", "heritage_planner", *args(data, "--json")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["conflicts"] >= 1
    script = env_py.parent / "heritage-planner"
    r = subprocess.run(
        [
            str(script),
            "analyze",
            "--heritage",
            str(data / "missing.gpkg"),
            "--out",
            str(data / "z.gpkg"),
            "--sites",
            str(data / "sites.gpkg"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (
        r.returncode == 2
        and r.stderr.startswith("error: heritage layer")
        and r.stderr.count("\n") == 1
    )


def test_core_never_imports_qgis_or_qt():
    code = (
        "import sys, heritage_planner.core.engine, heritage_planner.core.output, "
        "heritage_planner.core.demo, heritage_planner.cli.main\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('qgis', 'PyQt5', 'PyQt6', 'sip'))\n"
        "assert not bad, bad"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert r.returncode == 0, r.stderr
    import ast

    for py in (REPO / "heritage_planner/core").glob("*.py"):
        tree = ast.parse(py.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                assert n.split(".")[0] not in ("qgis", "PyQt5", "PyQt6"), f"{py.name} imports {n}"


def test_rerun_with_overwrite_keeps_review_decisions(data, capsys):
    from heritage_planner.core.review import review_by_id, set_status

    assert run(args(data, "--json"), capsys)[0] == 0
    out = data / "out.gpkg"
    ids = list(review_by_id(out))
    assert ids and all(r["status"] == "open" for r in review_by_id(out).values())
    from heritage_planner.core.output import read_table

    conflicts = {r["conflict_id"]: r for r in read_table(out, "conflicts")}
    siting = next(cid for cid, r in conflicts.items() if r["rule_id"] == "cell-in-core")
    set_status(out, siting, "accepted", note="pole on a modern annex", reviewer="Aminah")
    # re-run on changed data: the pole moves out of the core building (its conflict vanishes)
    (data / "sites.gpkg").unlink()
    write_vector(
        data / "sites.gpkg",
        [shapely.Point(30, 30), shapely.Point(100, 100)],
        {"sid": ["s1", "s2"], "kind": ["smart_pole", "cctv"]},
    )
    assert run(args(data, "--overwrite"), capsys)[0] == 0
    after = review_by_id(out)
    assert after[siting]["status"] == "resolved" and after[siting]["reviewer"] == "Aminah"
    # and back: the conflict returns with the same id, reopened for review
    (data / "sites.gpkg").unlink()
    write_vector(
        data / "sites.gpkg",
        [shapely.Point(10, 10), shapely.Point(100, 100)],
        {"sid": ["s1", "s2"], "kind": ["smart_pole", "cctv"]},
    )
    assert run(args(data, "--overwrite"), capsys)[0] == 0
    back = review_by_id(out)
    assert back[siting]["status"] == "open" and back[siting]["note"] == "pole on a modern annex"
    others = [cid for cid in ids if cid != siting]
    assert all(back[c]["status"] == "open" for c in others)


def test_rerun_unchanged_keeps_accepted_status(data, capsys):
    from heritage_planner.core.review import review_by_id, set_status

    assert run(args(data), capsys)[0] == 0
    out = data / "out.gpkg"
    cid = next(iter(review_by_id(out)))
    set_status(out, cid, "mitigated", note="moved 3 m", reviewer="Lim")
    assert run(args(data, "--overwrite"), capsys)[0] == 0
    row = review_by_id(out)[cid]
    assert (row["status"], row["note"], row["reviewer"]) == ("mitigated", "moved 3 m", "Lim")


def test_analysis_crs_is_metric(data, capsys):
    import numpy as np
    from pyproj import CRS

    from heritage_planner.core.geo import choose_analysis_crs

    feet = CRS.from_epsg(2227)  # California zone 3, US survey feet
    geoms = np.array([shapely.Point(6_000_000, 2_000_000)], dtype=object)
    chosen = choose_analysis_crs(feet, geoms)
    assert chosen.to_epsg() in range(32601, 32661)  # a UTM zone in metres, not the feet CRS
    code, _, err = run(args(data, "--analysis-crs", "EPSG:2227"), capsys)
    assert code == 2 and "its unit is not the metre" in one_line_error(err)
