"""``heritage-planner batch JOBS.toml``: many analyses, resumable, locally or on Dask.

Exit codes: 0 every job ok or up to date; 1 a job failed (the others still ran); 2 the job
file is bad (nothing ran; one line ``error: ...``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "batch",
        help="run the jobs of a TOML job file (resumable; local processes or a Dask cluster)",
        description="Run many analyses from a job file. Jobs whose inputs and rules are "
        "unchanged since their last successful output are skipped.",
    )
    p.add_argument("jobs", metavar="JOBS.toml", help="job file (see docs/batch.md)")
    p.add_argument(
        "--workers", type=_positive, metavar="N", help="local worker processes (default: CPUs)"
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:8786",
        help="run on a Dask distributed cluster instead of local processes",
    )
    p.add_argument("--force", action="store_true", help="re-run jobs that are up to date")
    p.add_argument("--check", action="store_true", help="only validate the job file and inputs")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return n


class _Progress:
    """A bar on a terminal; one line per finished job otherwise (logs, CI)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.shown = False

    def __call__(self, rep: Any, done: int, total: int) -> None:
        if rep is None:
            return
        what = f"{rep.status:<7} {rep.name}"
        if rep.status == "failed":
            what += f": {rep.error}"
        if self.tty:
            n = int(30 * done / max(total, 1))
            self.stream.write(f"\r{'█' * n}{'·' * (30 - n)} {done}/{total} {what[:60]:<60}")
            self.shown = True
        else:
            self.stream.write(f"[{done}/{total}] {what}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from ..batch.jobs import load_batch

    batch = load_batch(args.jobs)  # InputError: exit 2 before anything runs
    if args.check:
        n = len(batch.jobs)
        print(f"ok: {batch.source}: {n} jobs, {len(batch.comparisons)} scenario comparisons")
        return 0
    executor = _executor(args)
    from ..batch.runner import run_batch

    bar = _Progress(sys.stderr)
    try:
        report = run_batch(batch, executor, force=args.force, progress=bar)
    finally:
        bar.close()
        executor.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print_table(report, sys.stdout)
    for rep in report.failed:
        sys.stderr.write(f"error: job {rep.name}: {rep.error}\n")
    return 1 if report.failed else 0


def _executor(args: argparse.Namespace) -> Any:
    if args.scheduler:
        from ..batch.executors import DaskExecutor

        return DaskExecutor(args.scheduler)
    from ..batch.executors import LocalExecutor

    return LocalExecutor(args.workers)


def print_table(report: Any, out: TextIO) -> None:
    w = out.write
    rows = [
        (
            r.name,
            r.status,
            "" if r.conflicts is None else str(r.conflicts),
            " ".join(f"{k[0].upper()}{v}" for k, v in r.by_severity.items() if v),
            f"{r.seconds:.1f}",
            r.out if r.status != "failed" else r.error,
        )
        for r in report.jobs
    ]
    head = ("job", "status", "conflicts", "by severity", "s", "output / error")
    widths = [max(len(head[i]), *(len(r[i]) for r in rows)) for i in range(5)]
    fmt = "  ".join(f"{{:<{x}}}" for x in widths) + "  {}\n"
    w(fmt.format(*head))
    for r in rows:
        w(fmt.format(*r))
    d = report.as_dict()
    w(
        f"\n{d['ok']} ok, {d['skipped']} up to date, {d['failed']} failed "
        f"in {report.seconds:.1f} s on {report.executor}\n"
    )
