"""Running a batch: skip what is up to date, run the rest on an executor, write each job's
results atomically as soon as all its tasks are back, then the scenario comparisons."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import HeritagePlannerError
from ..core.ids import file_sha256
from ..core.vector import split_source
from .compare import read_conflicts, read_fingerprint, scenario_changes, write_changes
from .executors import Executor, Outcome, WorkerDied
from .jobs import Batch, Comparison, Job
from .partition import Plan, merge, plan_job

OK, SKIPPED, FAILED = "ok", "skipped", "failed"


@dataclass
class JobReport:
    name: str
    status: str = "pending"
    out: str = ""
    conflicts: int | None = None
    by_severity: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    tasks: int = 0
    attempts: int = 0
    error: str = ""
    kind: str = "job"  # or "changes"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class BatchReport:
    executor: str
    jobs: list[JobReport]
    seconds: float

    @property
    def failed(self) -> list[JobReport]:
        return [j for j in self.jobs if j.status == FAILED]

    def as_dict(self) -> dict[str, Any]:
        count = {s: sum(1 for j in self.jobs if j.status == s) for s in (OK, SKIPPED, FAILED)}
        return {
            "executor": self.executor,
            "seconds": round(self.seconds, 3),
            **count,
            "jobs": [j.as_dict() for j in self.jobs],
        }


class Hashes:
    """sha256 of input files, each read once per batch."""

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def of(self, path: str) -> str:
        key = str(Path(path).resolve())
        if key not in self.cache:
            self.cache[key] = file_sha256(key)
        return self.cache[key]


def job_fingerprint(job: Job, rules_sha: str, hashes: Hashes) -> str:
    """Changes whenever an input file, the rules, an option or the software version does."""
    from .. import __version__

    def vec(src: str) -> list[str | None]:
        path, layer = split_source(src)
        return [hashes.of(path), layer]

    doc = {
        "version": __version__,
        "heritage": vec(job.heritage),
        "sites": [vec(s) for s in job.sites],
        "hazards": [[h.hazard, h.scenario, hashes.of(h.path)] for h in job.hazards],
        "rules": rules_sha,
        "analysis_crs": job.analysis_crs,
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def stored_fingerprint(out: Path) -> str | None:
    """The fingerprint a previous successful batch run stored in ``out`` (if any)."""
    if not out.is_file():
        return None
    from ..core.output import read_run_info

    try:
        info = read_run_info(out)
    except (RuntimeError, AttributeError, ValueError, KeyError):
        return None
    batch = info.get("batch")
    return batch.get("fingerprint") if isinstance(batch, dict) else None


def _counts(out: Path) -> tuple[int | None, dict[str, int]]:
    from ..core.output import read_run_info

    try:
        by = read_run_info(out).get("counts_by_severity") or {}
    except (RuntimeError, AttributeError, ValueError, KeyError):
        return None, {}
    return sum(by.values()), by


def _message(exc: BaseException) -> str:
    if isinstance(exc, (HeritagePlannerError, WorkerDied)):
        text = str(exc)
    else:
        text = f"internal error ({type(exc).__name__}: {exc})"
    return " ".join(text.split())


def run_batch(
    batch: Batch,
    executor: Executor,
    *,
    force: bool = False,
    progress: Callable[[JobReport | None, int, int], None] | None = None,
) -> BatchReport:
    """Run every job of ``batch`` that is not up to date; never raises for a job's failure."""
    from ..core.engine import AnalysisRequest
    from ..core.output import write_results
    from ..core.rules import load_rules

    t0 = time.time()
    hashes = Hashes()
    rules_cache: dict[str | None, Any] = {}
    reports = {j.name: JobReport(j.name, out=str(j.out)) for j in batch.jobs}
    fingerprints: dict[str, str] = {}
    plans: dict[str, Plan] = {}
    pending: dict[str, dict[int, Any]] = {}
    total_steps = [len(batch.jobs) + len(batch.comparisons)]
    done_steps = [0]

    def step(report: JobReport | None) -> None:
        if report is not None:
            done_steps[0] += 1
        if progress is not None:
            progress(report, done_steps[0], total_steps[0])

    def fail(job: str, exc: BaseException) -> None:
        rep = reports[job]
        if rep.status == FAILED:
            return
        rep.status, rep.error = FAILED, _message(exc)
        rep.seconds = round(time.time() - plans[job].started, 3) if job in plans else 0.0
        pending.pop(job, None)
        step(rep)

    tasks = []
    for job in batch.jobs:
        rep = reports[job.name]
        try:
            if job.rules not in rules_cache:
                rules_cache[job.rules] = load_rules(job.rules)
            rules = rules_cache[job.rules]
            fp = job_fingerprint(job, rules.sha256, hashes)
            fingerprints[job.name] = fp
            if not force and stored_fingerprint(job.out) == fp:
                rep.status = SKIPPED
                rep.conflicts, rep.by_severity = _counts(job.out)
                step(rep)
                continue
            request = AnalysisRequest(
                heritage=job.heritage,
                sites=list(job.sites),
                hazards=list(job.hazards),
                rules=rules,
                analysis_crs=job.analysis_crs,
            )
            plan = plan_job(job.name, request, job.partition_size)
        except (HeritagePlannerError, OSError) as exc:
            fail(job.name, exc)
            continue
        plans[job.name] = plan
        pending[job.name] = {}
        rep.tasks = len(plan.tasks)
        tasks.extend(plan.tasks)
    step(None)

    def on_done(o: Outcome) -> None:
        name = o.task.job
        rep = reports[name]
        rep.attempts = max(rep.attempts, o.attempts)
        if name not in pending:  # the job already failed
            return
        if o.error is not None:
            fail(name, o.error)
            return
        pending[name][o.task.index] = o.result
        plan = plans[name]
        if len(pending[name]) < len(plan.tasks):
            return
        got = pending.pop(name)
        results = [got[i] for i in range(len(plan.tasks))]
        job = batch.job(name)
        try:
            result = merge(plan, results)
            result.run_info["batch"] = {
                "job": name,
                "fingerprint": fingerprints[name],
                "job_file": str(batch.source),
            }
            job.out.parent.mkdir(parents=True, exist_ok=True)
            write_results(result, job.out, overwrite=True)
        except (HeritagePlannerError, OSError) as exc:
            pending[name] = {}
            fail(name, exc)
            return
        rep.status = OK
        rep.conflicts = len(result.conflicts)
        rep.by_severity = result.counts_by_severity()
        rep.seconds = round(time.time() - plan.started, 3)
        step(rep)

    if tasks:
        executor.run(tasks, on_done)
    for name in list(pending):  # an executor that lost a task without saying so
        fail(name, WorkerDied("a task never came back from the workers"))

    out = [reports[j.name] for j in batch.jobs]
    for comp in batch.comparisons:
        out.append(_compare(comp, reports, fingerprints, force))
        step(out[-1])
    return BatchReport(executor.description, out, time.time() - t0)


def _compare(
    comp: Comparison, reports: dict[str, JobReport], fingerprints: dict[str, str], force: bool
) -> JobReport:
    rep = JobReport(f"{comp.name} (changes)", out=str(comp.out), kind="changes")
    t0 = time.time()
    bad = [j for j in comp.jobs if reports[j].status not in (OK, SKIPPED)]
    if bad:
        rep.status, rep.error = FAILED, f"not compared: job {bad[0]!r} failed"
        return rep
    fp = hashlib.sha256(
        json.dumps([fingerprints[j] for j in comp.jobs] + [comp.scenarios]).encode()
    ).hexdigest()
    if not force and read_fingerprint(comp.out) == fp:
        rep.status = SKIPPED
        return rep
    try:
        rows, wkt = read_conflicts([Path(reports[j].out) for j in comp.jobs])
        changes, summary = scenario_changes(rows, comp.scenarios)
        write_changes(
            comp.out, changes, summary, crs_wkt=wkt, info={"fingerprint": fp, "jobs": comp.jobs}
        )
    except (HeritagePlannerError, OSError, RuntimeError) as exc:
        rep.status, rep.error = FAILED, _message(exc)
        return rep
    rep.status = OK
    rep.conflicts = len(changes)
    rep.by_severity = {
        "added": sum(1 for c in changes if c["change"] == "added"),
        "removed": sum(1 for c in changes if c["change"] == "removed"),
    }
    rep.seconds = round(time.time() - t0, 3)
    return rep
