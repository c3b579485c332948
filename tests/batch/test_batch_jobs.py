"""Job files: strict keys, every input checked before any job starts, errors naming the job
and the key, exit 2 with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hp_batch_sample import job_file_text

from heritage_planner.batch.jobs import load_batch
from heritage_planner.cli.main import main
from heritage_planner.core.errors import InputError


def test_sample_expands_to_six_jobs_and_two_comparisons(jobs_file):
    batch = load_batch(jobs_file)
    assert [j.name for j in batch.jobs] == [
        "north@baseline",
        "north@2050",
        "north@2100",
        "south@baseline",
        "south@2050",
        "south@2100",
    ]
    north = batch.job("north@2050")
    assert [(h.hazard, h.scenario) for h in north.hazards] == [("flood", "2050")]
    assert north.out == jobs_file.parent / "results" / "north-2050.gpkg"
    assert north.sites == (f"{jobs_file.parent / 'sites.gpkg'}|layername=points",)
    assert [c.name for c in batch.comparisons] == ["north", "south"]
    assert batch.comparisons[0].scenarios == {"flood": ("baseline", "2050", "2100")}
    assert batch.comparisons[0].out.name == "north-changes.gpkg"


def _write(jobs_file: Path, text: str) -> Path:
    jobs_file.write_text(text)
    return jobs_file


@pytest.mark.parametrize(
    "north, defaults, expected",
    [
        ('heritgae = "x.gpkg"', "", "job 'north': 'heritgae': unknown key"),
        ("", "workers = 3", "[defaults]: 'workers': unknown key"),
        ('out = "results/north.gpkg"', "", "job 'north': 'out': must contain {scenario}"),
        ("partition_size = 0", "", "job 'north': 'partition_size': must be a whole number >= 1"),
        ('rules = "missing_rules.toml"', "", "job 'north@baseline': 'rules':"),
        ('sites = ["sites.gpkg|layername=nope"]', "", "job 'north@baseline': 'sites': "),
        (
            'hazards = ["tsunami=flood_2050.tif"]',
            "",
            "job 'north@baseline': 'hazards': 'tsunami': hazard 'tsunami' is not declared",
        ),
        ('hazards = ["flood=missing.tif"]', "", "job 'north@baseline': 'hazards': flood: "),
        (
            'analysis_crs = "EPSG:4326"',
            "",
            "job 'north@baseline': 'analysis_crs': must be a projected",
        ),
    ],
)
def test_bad_job_files_name_the_job_and_key(jobs_file, north, defaults, expected):
    _write(jobs_file, job_file_text(extra_north=north, extra_defaults=defaults))
    with pytest.raises(InputError) as err:
        load_batch(jobs_file)
    assert expected in str(err.value)
    assert str(jobs_file) in str(err.value) and "\n" not in str(err.value)


def test_missing_heritage_file_in_second_job(jobs_file):
    _write(jobs_file, job_file_text().replace("south.gpkg|layername=heritage", "gone.gpkg"))
    with pytest.raises(
        InputError, match=r"job 'south@baseline': 'heritage': .*gone.gpkg: file not found"
    ):
        load_batch(jobs_file)


def test_duplicate_names_and_outputs(jobs_file):
    text = job_file_text().replace('name = "south"', 'name = "north"')
    with pytest.raises(InputError, match="job 'north': 'name': used by two jobs"):
        load_batch(_write(jobs_file, text))
    text = job_file_text(extra_north='out = "results/{scenario}.gpkg"').replace(
        'name = "south"', 'name = "south"\nout = "results/{scenario}.gpkg"'
    )
    with pytest.raises(
        InputError, match="'out': .*baseline.gpkg is also written by 'north@baseline'"
    ):
        load_batch(_write(jobs_file, text))


def test_scenario_spec_must_not_carry_its_own_scenario(jobs_file):
    text = job_file_text().replace(
        '2050 = ["flood=flood_2050.tif"]', '2050 = ["flood@x=flood_2050.tif"]', 1
    )
    with pytest.raises(
        InputError, match="job 'north' scenario '2050': 'hazards': .*leave out @SCENARIO"
    ):
        load_batch(_write(jobs_file, text))


def test_not_toml_and_no_jobs(jobs_file):
    with pytest.raises(InputError, match="not valid TOML"):
        load_batch(_write(jobs_file, "[[jobs]\n"))
    with pytest.raises(InputError, match="'jobs': missing"):
        load_batch(_write(jobs_file, "[defaults]\n"))


def test_cli_bad_job_file_exit_2_one_line_and_nothing_runs(jobs_file, capsys):
    # the second entry's raster is missing: the first entry must not have run either
    _write(
        jobs_file,
        job_file_text()
        .replace('flood=flood_2100.tif"]\n\n[[jobs]]', 'flood=flood_2100.tif"]\n\n[[jobs]]')
        .replace(
            'name = "south"\nheritage = "south.gpkg|layername=heritage"',
            'name = "south"\nheritage = "south.gpkg|layername=heritage"\nhazards = ["heat=lst_missing.tif"]',
        ),
    )
    code = main(["batch", str(jobs_file)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("error: ")
    assert "job 'south@baseline': 'hazards': heat: " in err[0] and "file not found" in err[0]
    assert not (jobs_file.parent / "results").exists()


def test_cli_check_only(jobs_file, capsys):
    assert main(["batch", str(jobs_file), "--check"]) == 0
    assert "6 jobs, 2 scenario comparisons" in capsys.readouterr().out
    assert not (jobs_file.parent / "results").exists()


def test_progress_bar_on_a_terminal_and_lines_otherwise():
    import io

    from heritage_planner.batch.runner import JobReport
    from heritage_planner.cli.batch import _Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, log = Tty(), io.StringIO()
    rep = JobReport("north@2050", status="failed", error="boom")
    for stream in (tty, log):
        bar = _Progress(stream)
        bar(None, 0, 4)
        bar(rep, 2, 4)
        bar.close()
    assert "\r" + "█" * 15 + "·" * 15 + " 2/4 failed  north@2050: boom" in tty.getvalue()
    assert tty.getvalue().endswith("\r")
    assert log.getvalue() == "[2/4] failed  north@2050: boom\n"
