"""Shared benchmark helpers: best-of-N timing and peak memory inside one process, whole
processes timed from outside and interleaved (:func:`interleave`), and bench/results.json."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["RESULTS", "Job", "Sample", "best_of", "interleave", "merge_results", "peak_mb",
           "peak_rss_mb", "process_record", "record", "report", "run_processes",
           "timed_stages"]

RESULTS = Path(__file__).with_name("results.json")


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_stages(stages: dict[str, Callable[[Any], Any]], argument: Any,
                 result: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Run each stage once on ``argument`` in this process, in order, recording
    ``"<name> s"`` (wall clock), ``"<name> cpu_s"`` (CPU time, steadier on a shared
    machine) and ``"<name> peak_rss_mb"`` (peak RSS so far) in ``result``; yields each
    stage's name and output."""
    for name, stage in stages.items():
        t0, c0 = time.perf_counter(), time.process_time()
        out = stage(argument)
        result[f"{name} s"] = time.perf_counter() - t0
        result[f"{name} cpu_s"] = time.process_time() - c0
        result[f"{name} peak_rss_mb"] = peak_rss_mb()
        yield name, out


def peak_mb(fn: Callable[[], Any]) -> float:
    """Peak memory Python and numpy allocate during one run, in MB."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def record(case: str, size: int, xlkpi_s: float, baseline: str, baseline_s: float,
           xlkpi_peak_mb: float) -> dict[str, Any]:
    """One results.json row; ratio = baseline_s / xlkpi_s (above 1: xlkpi is faster)."""
    return {
        "case": case, "size": size, "xlkpi_s": round(xlkpi_s, 6), "baseline": baseline,
        "baseline_s": round(baseline_s, 6), "ratio": round(baseline_s / xlkpi_s, 4),
        "xlkpi_peak_mb": round(xlkpi_peak_mb, 1),
    }


def merge_results(records: list[dict[str, Any]], path: Path = RESULTS) -> None:
    """Write records into results.json, replacing rows with the same case, size, baseline."""
    old = json.loads(path.read_text()) if path.exists() else []
    keys = {_key(r) for r in records}
    kept = [r for r in old if _key(r) not in keys]
    path.write_text(json.dumps(kept + records, indent=2) + "\n")


def _key(r: dict[str, Any]) -> tuple[str, int, str]:
    return r["case"], r["size"], r.get("baseline") or r["tool"]


def report(records: list[dict[str, Any]]) -> None:
    """Merge records into results.json and print one line per record."""
    merge_results(records)
    for r in records:
        if "tool" in r:
            print(f"{r['case']:<14} n={r['size']:>9,}  {r['tool']:<34} median "
                  f"{r['median_s']:.2f}s ({r['min_s']:.2f}-{r['max_s']:.2f}, {r['runs']} runs)"
                  f"  peak RSS {r['peak_mb']:.0f} MB  {_ratios(r)}")
            continue
        print(f"{r['case']:<14} n={r['size']:>9,}  xlkpi {r['xlkpi_s']:.4f}s  "
              f"{r['baseline']} {r['baseline_s']:.4f}s  ratio {r['ratio']:.2f} "
              f"(xlkpi {1 / r['ratio']:.2f}x the baseline)  peak {r['xlkpi_peak_mb']} MB")


# Whole processes, timed from outside -------------------------------------------------------

#: Warm-up rounds run before the timed ones and discarded (disk cache, LibreOffice's profile).
WARMUP = 1


@dataclass(frozen=True)
class Sample:
    """One timed run of a job: wall and CPU seconds (user + system, the child and what it
    waited for), the largest resident set of any one of its processes (MB), exit codes."""

    wall: float
    cpu: float
    peak_mb: float
    codes: tuple[int, ...]


@dataclass
class Job:
    """Commands run one after another as one timed run (one command, or 50 for a CI run).

    ``runs`` timed runs after ``warmup`` discarded ones; the runs of all jobs given to
    :func:`interleave` alternate (A B C A B C ...).
    """

    name: str
    commands: list[list[str]]
    runs: int = 5
    warmup: int = WARMUP
    samples: list[Sample | None] = field(default_factory=list)


#: Runs one command from a small process and prints its wall time, CPU time, peak RSS (KB)
#: and exit code. Linux counts, in a child's peak resident set, the memory of the process
#: it was forked from (the old address space's high-water mark is kept across ``exec``),
#: so a child forked by this benchmark process, which holds the workbooks it built, would
#: report that size: forked from this ~10 MB launcher instead, it reports its own.
_LAUNCHER = """
import os, sys, time
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.monotonic() - t0
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_processes(commands: Sequence[Sequence[str]]) -> Sample:
    """Start each command in a fresh process, in turn, and time it from outside.

    Each command is forked by a small launcher (:data:`_LAUNCHER`) that reaps it with
    ``os.wait4``: wall time from just before the fork to the reaping (monotonic clock),
    CPU time and peak memory from the kernel's accounting of the finished child
    (``ru_maxrss``: its own and its waited-for descendants' largest resident set;
    ``soffice`` is a launcher waiting for ``soffice.bin``). The figure is the largest over
    the commands, not a sum.
    """
    wall = cpu = peak = 0.0
    codes = []
    for argv in commands:
        done = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *argv],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              check=True)
        seconds, used, peak_kb, code = done.stdout.split()
        wall += float(seconds)
        cpu += float(used)
        peak = max(peak, int(peak_kb) / 1024)  # kilobytes on Linux
        codes.append(int(code))
    return Sample(wall, cpu, peak, tuple(codes))


def interleave(jobs: Sequence[Job], progress: Callable[[str], None] = print) -> None:
    """Run the jobs in rounds, one run of each in turn, filling each job's ``samples``.

    Round 0 is the warm-up (its runs discarded); round ``i`` holds every job's ``i``-th
    timed run, or None for a job that has fewer runs (or starts without a warm-up), so
    that pairwise ratios compare runs taken one after the other.
    """
    rounds = WARMUP + max(job.runs for job in jobs)
    for job in jobs:
        job.samples = [None] * rounds
    for i in range(rounds):
        for job in jobs:
            if WARMUP - job.warmup <= i < WARMUP + job.runs:
                sample = job.samples[i] = run_processes(job.commands)
                progress(f"  round {i}{' (warm-up)' if i < WARMUP else ''}: {job.name}: "
                         f"{sample.wall:.2f} s, {sample.peak_mb:.0f} MB")


def _timed(job: Job) -> list[Sample]:
    return [s for s in job.samples[WARMUP:] if s is not None]


def pairwise(job: Job, reference: Job) -> float | None:
    """Median over rounds of job's wall time / reference's (above 1: reference faster)."""
    pairs = [a.wall / b.wall for a, b in zip(job.samples[WARMUP:], reference.samples[WARMUP:],
                                             strict=True) if a is not None and b is not None]
    return round(statistics.median(pairs), 3) if pairs else None


def process_record(case: str, size: int, job: Job,
                   references: Sequence[Job] = ()) -> dict[str, Any]:
    """One results.json row for a whole-process job, with pairwise ratios to references."""
    timed = _timed(job)
    walls = [s.wall for s in timed]
    row = {
        "case": case, "size": size, "tool": job.name, "runs": len(timed),
        "warmup": job.warmup,
        "median_s": round(statistics.median(walls), 3), "min_s": round(min(walls), 3),
        "max_s": round(max(walls), 3),
        "cpu_median_s": round(statistics.median(s.cpu for s in timed), 3),
        "peak_mb": round(max(s.peak_mb for s in timed), 1),
        "exit_codes": sorted({c for s in timed for c in s.codes}),
    }
    row["ratios"] = {ref.name: pairwise(job, ref) for ref in references}
    return row


def _ratios(r: dict[str, Any]) -> str:
    return "  ".join(f"{v:.2f}x {k}" for k, v in r.get("ratios", {}).items() if v)
