"""Scale-out on a real Dask distributed cluster (a scheduler and two worker processes on
127.0.0.1): the same outputs as the local pool, and a worker killed mid-job is survived."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hp_batch_sample import FaultPlugin, make_batch_sample, read_layer, result_tables

distributed = pytest.importorskip("distributed")

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``dask scheduler`` + ``dask worker --nworkers 2`` as real processes on 127.0.0.1."""
    base = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), env.get("PYTHONPATH", "")) if p)
    env["DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES"] = "2"
    env.pop("QT_QPA_PLATFORM", None)
    log = open(base / "cluster.log", "w")  # noqa: SIM115
    procs = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            env=env,
            cwd=base,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ]
    procs.append(
        subprocess.Popen(
            [
                str(DASK),
                "worker",
                address,
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
                "--local-directory",
                str(base / "work"),
                "--memory-limit",
                "2GiB",
            ],
            env=env,
            cwd=base,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    )
    try:
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for p in reversed(procs):
            _stop(p)
        log.close()


def _batch(jobs: Path, *extra: str) -> dict:
    r = subprocess.run(
        [sys.executable, "-m", "heritage_planner", "batch", str(jobs), "--json", *extra],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def test_dask_cluster_gives_the_local_outputs(cluster, tmp_path):
    local = make_batch_sample(tmp_path / "local")
    remote = make_batch_sample(tmp_path / "remote")
    for jobs in (local, remote):  # one large job too: north split into heritage chunks
        jobs.write_text(
            jobs.read_text().replace('name = "north"', 'name = "north"\npartition_size = 2')
        )
    rep_local = _batch(local, "--workers", "2")
    rep_dask = _batch(remote, "--scheduler", cluster)
    assert rep_dask["executor"].startswith(f"Dask scheduler {cluster}, 2 workers")
    assert rep_local["ok"] == rep_dask["ok"] == 8
    # north: 2 heritage chunks of 2 + 1 chunk of the 2 sites
    assert [j["tasks"] for j in rep_dask["jobs"][:3]] == [3, 3, 3]
    names = sorted(p.name for p in (local.parent / "results").iterdir())
    assert names == sorted(p.name for p in (remote.parent / "results").iterdir())
    assert len(names) == 8
    for name in names:
        a, b = local.parent / "results" / name, remote.parent / "results" / name
        if name.endswith("-changes.gpkg"):
            for layer in ("scenario_changes", "scenario_summary"):
                assert read_layer(a, layer) == read_layer(b, layer)
        else:
            ta, tb = result_tables(a), result_tables(b)
            assert ta == tb and ta["conflicts"] and ta["exposure"]
    # resumable on the cluster too
    assert _batch(remote, "--scheduler", cluster)["skipped"] == 8


def test_dask_worker_killed_mid_job(cluster, tmp_path):
    from heritage_planner.batch.executors import DaskExecutor
    from heritage_planner.batch.jobs import load_batch
    from heritage_planner.batch.runner import run_batch

    markers = tmp_path / "markers"
    markers.mkdir()
    jobs = make_batch_sample(tmp_path / "data")
    batch = load_batch(jobs)
    batch.jobs = [j for j in batch.jobs if j.entry == "north"]
    batch.comparisons = [c for c in batch.comparisons if c.name == "north"]
    results = jobs.parent / "results"
    with distributed.Client(cluster, timeout=30) as client:
        client.register_plugin(FaultPlugin("north@2050", str(markers)))
        client.register_plugin(FaultPlugin("north@2100", str(markers), always=True))
    try:
        ex = DaskExecutor(cluster)
        try:
            report = run_batch(batch, ex)
        finally:
            ex.close()
    finally:
        with distributed.Client(cluster, timeout=30) as client:
            for name in ("hp-fault-north@2050", "hp-fault-north@2100"):
                client.unregister_worker_plugin(name)
            client.restart()  # fresh workers without the faults
            client.wait_for_workers(2, timeout=90)
    status = {j.name: (j.status, j.error) for j in report.jobs}
    # killed once: the scheduler re-ran it on a live worker
    assert status["north@2050"] == ("ok", "")
    assert (markers / "north@2050#0.died").read_text().count("\n") == 1
    # killed every time: that job alone fails, cleanly
    assert status["north@2100"][0] == "failed"
    assert "died repeatedly" in status["north@2100"][1]
    assert status["north@baseline"] == ("ok", "")
    assert not (results / "north-2100.gpkg").exists()
    assert not [p for p in results.iterdir() if ".part-" in p.name]
    assert {r["heritage_id"] for r in read_layer(results / "north-2050.gpkg", "conflicts")} == {
        "H1",
        "H2",
    }
    shutil.rmtree(markers)
