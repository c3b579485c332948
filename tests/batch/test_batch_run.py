"""Batch runs on the local process pool: hand-checked results, scenario comparison, resume,
failures that do not stop the others, partitions equal to a whole run, and workers that die."""

from __future__ import annotations

import functools
from pathlib import Path

from hp_batch_sample import (
    EXPECTED_FLOOD,
    flood_raster,
    heritage,
    install_fault,
    job_file_text,
    read_layer,
    result_tables,
)

from heritage_planner.batch.executors import LocalExecutor
from heritage_planner.batch.jobs import load_batch
from heritage_planner.batch.runner import run_batch
from heritage_planner.cli.main import main
from heritage_planner.core.engine import AnalysisRequest, run_analysis
from heritage_planner.core.output import read_run_info, write_results
from heritage_planner.core.raster import HazardInput


def _flooded(out: Path) -> set[str]:
    return {
        r["heritage_id"] for r in read_layer(out, "conflicts") if r["rule_id"] == "heritage-flood"
    }


def _no_partial_files(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if ".part-" in p.name]


def test_six_jobs_hand_checked_then_resume(jobs_file, capsys):
    results = jobs_file.parent / "results"
    assert main(["batch", str(jobs_file), "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert "8 ok, 0 up to date, 0 failed" in out
    for district in ("north", "south"):
        for scen, expected in EXPECTED_FLOOD.items():
            gpkg = results / f"{district}-{scen}.gpkg"
            assert _flooded(gpkg) == expected
            flooded_sites = {
                r["site_id"]
                for r in read_layer(gpkg, "conflicts")
                if r["rule_id"] == "site-flooded"
            }
            assert flooded_sites == ({"cam-north", "cam-south"} if scen == "2100" else set())
            info = read_run_info(gpkg)
            assert (
                info["batch"]["job"] == f"{district}@{scen}"
                and len(info["batch"]["fingerprint"]) == 64
            )
        changes = results / f"{district}-changes.gpkg"
        summary = [
            (r["from_scenario"], r["to_scenario"], r["added"], r["removed"], r["kept"])
            for r in read_layer(changes, "scenario_summary")
        ]
        assert summary == [("baseline", "2050", 1, 0, 1), ("2050", "2100", 3, 1, 1)]
        rows = read_layer(changes, "scenario_changes")
        got = sorted(
            (r["to_scenario"], r["change"], r["rule_id"], r["heritage_id"] or r["site_id"])
            for r in rows
        )
        assert got == sorted(
            [
                ("2050", "added", "heritage-flood", "H2"),
                ("2100", "added", "heritage-flood", "H3"),
                ("2100", "added", "site-flooded", "cam-north"),
                ("2100", "added", "site-flooded", "cam-south"),
                ("2100", "removed", "heritage-flood", "H1"),
            ]
        )
        assert all(r["_wkt"] for r in rows)
    _no_partial_files(results)

    # resume: nothing changed -> everything skipped, files untouched
    mtimes = {p: p.stat().st_mtime_ns for p in results.iterdir()}
    assert main(["batch", str(jobs_file), "--workers", "2"]) == 0
    assert "0 ok, 8 up to date, 0 failed" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in results.iterdir()} == mtimes

    # a changed raster re-runs only the jobs that read it, and their comparisons
    flood_raster(jobs_file.parent / "flood_2100.tif", (40, 70))
    assert main(["batch", str(jobs_file), "--workers", "2", "--json"]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    status = {j["name"]: j["status"] for j in report["jobs"]}
    assert status == {
        "north@baseline": "skipped",
        "north@2050": "skipped",
        "north@2100": "ok",
        "south@baseline": "skipped",
        "south@2050": "skipped",
        "south@2100": "ok",
        "north (changes)": "ok",
        "south (changes)": "ok",
    }
    assert _flooded(results / "north-2100.gpkg") == {"H3", "H4"}
    # --force re-runs everything
    assert main(["batch", str(jobs_file), "--workers", "1", "--force"]) == 0
    assert "8 ok, 0 up to date" in capsys.readouterr().out


def test_failing_job_is_reported_and_others_go_on(jobs_file, capsys):
    # south's heritage ids are not unique: found only when its job runs
    (jobs_file.parent / "south.gpkg").unlink()
    heritage(jobs_file.parent / "south.gpkg", 100.0, ids=["S1", "S1", "S2", "S3"])
    code = main(["batch", str(jobs_file), "--workers", "2"])
    cap = capsys.readouterr()
    assert code == 1
    results = jobs_file.parent / "results"
    assert sorted(p.name for p in results.iterdir()) == [
        "north-2050.gpkg",
        "north-2100.gpkg",
        "north-baseline.gpkg",
        "north-changes.gpkg",
    ]
    errors = [line for line in cap.err.splitlines() if line.startswith("error: job south")]
    assert len(errors) == 4  # three south jobs and their comparison
    assert "id field 'hid' is not unique (e.g. 'S1')" in errors[0]
    assert "3 ok" not in cap.out and "4 ok, 0 up to date, 4 failed" in cap.out


def test_partitioned_job_equals_whole_run(jobs_file, tmp_path):
    """A job split into heritage chunks of 1 and site chunks of 1 (6 tasks) gives exactly the
    rows of one run_analysis over the whole job."""
    jobs_file.write_text(job_file_text(extra_defaults="partition_size = 1"))
    batch = load_batch(jobs_file)
    batch.jobs = [j for j in batch.jobs if j.name == "north@2100"]
    batch.comparisons = []
    ex = LocalExecutor(2)
    try:
        report = run_batch(batch, ex)
    finally:
        ex.close()
    assert [(j.status, j.tasks) for j in report.jobs] == [("ok", 6)]
    job = batch.jobs[0]
    whole = run_analysis(
        AnalysisRequest(
            heritage=job.heritage,
            sites=list(job.sites),
            hazards=[HazardInput("flood", job.hazards[0].path, "2100")],
        )
    )
    write_results(whole, tmp_path / "whole.gpkg")
    assert result_tables(job.out) == result_tables(tmp_path / "whole.gpkg")
    assert read_run_info(job.out)["partitions"] == 6


def _north_only(jobs_file: Path):
    batch = load_batch(jobs_file)
    batch.jobs = [j for j in batch.jobs if j.entry == "north"]
    batch.comparisons = [c for c in batch.comparisons if c.name == "north"]
    return batch


def test_worker_killed_mid_job_is_retried(jobs_file, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    ex = LocalExecutor(2, initializer=functools.partial(install_fault, "north@2050", str(markers)))
    try:
        report = run_batch(_north_only(jobs_file), ex)
    finally:
        ex.close()
    assert [(j.name, j.status) for j in report.jobs] == [
        ("north@baseline", "ok"),
        ("north@2050", "ok"),
        ("north@2100", "ok"),
        ("north (changes)", "ok"),
    ]
    assert len(list(markers.iterdir())) == 1  # its worker was killed once
    assert report.jobs[1].attempts == 2
    assert _flooded(jobs_file.parent / "results" / "north-2050.gpkg") == {"H1", "H2"}


def test_worker_killed_every_time_fails_that_job_cleanly(jobs_file, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    results = jobs_file.parent / "results"
    ex = LocalExecutor(
        2, retries=1, initializer=functools.partial(install_fault, "north@2050", str(markers), True)
    )
    try:
        report = run_batch(_north_only(jobs_file), ex)
    finally:
        ex.close()
    status = {j.name: (j.status, j.error) for j in report.jobs}
    assert status["north@baseline"][0] == "ok" and status["north@2100"][0] == "ok"
    assert status["north@2050"][0] == "failed"
    assert "worker running it died 2 times" in status["north@2050"][1]
    assert status["north (changes)"] == ("failed", "not compared: job 'north@2050' failed")
    pids = (markers / "north@2050#0.died").read_text().split()
    assert len(pids) == 2 and len(set(pids)) == 2  # two different worker processes killed
    assert not (results / "north-2050.gpkg").exists()
    _no_partial_files(results)
