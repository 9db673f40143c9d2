"""``tradesim run -m`` (sweeps: every combination of comma-separated values is a job) and ``tradesim collect``."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

from sim import claims, output
from sim.cli.errors import UserError
from sim.cli.runs import given
from sim.compose import compose_run, explain
from sim.sizing import estimate

SWEEP_TABLES = ("quarterly", "sweep")
KEY, MARKER = "hydra.sweep.dir", "sweep.json"  # sweep.json: the jobs' overrides; the same command resumes its folder


def sweep_jobs(overrides: list[str]) -> list[list[str]]:
    """The overrides of every job of a sweep: the cartesian product of the comma lists."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except HydraException as exc:
        raise UserError(explain(exc)) from None
    for o in parsed:
        if o.is_sweep_override() and how_it_runs(o.key_or_group):
            raise UserError(f"{o.key_or_group}: one value for the whole sweep (its jobs run together, on one "
                            f"executor; results do not depend on it); got {o.input_line}")
    choices = [[f"{o.get_key_element()}={v}" for v in o.sweep_string_iterator()]
               if o.is_sweep_override() else [o.input_line] for o in parsed]
    return [list(combo) for combo in itertools.product(*choices)]


def how_it_runs(key: str) -> bool:
    """Whether ``key`` says how the jobs run, not what they compute (``jobs.HOW_IT_RUNS``)."""
    from sim.experiments.jobs import HOW_IT_RUNS
    return key.lstrip("+~") in {f"run.{name}" for name in HOW_IT_RUNS}


def task_overrides(job: list[str]) -> list[str]:
    """A sweep job's own overrides (what sweep.json, manifest.json and the sweep tables record): not
    hydra's, nor how the jobs run, so the same sweep resumes on another executor or worker count."""
    return [o for o in job if not o.lstrip("+~").startswith(("hydra.", "hydra/"))
            and not how_it_runs(o.partition("=")[0])]


def cmd_sweep(overrides: list[str]) -> int:
    """``tradesim run -m``: every job's config is checked first; then the replications of all jobs
    run as one job store on ``run.executor``, ``run.workers`` at a time (one value each), and each job
    gets a normal run folder ``<sweep>/<job>/``. The same command on the same folder resumes."""
    from sim.cli.options import holds
    from sim.experiments.jobs import finished, plan, run_jobs
    from sim.experiments.run_folder import publish_run
    combos = sweep_jobs(overrides)
    runs = [compose_run(combo) for combo in combos]
    request = {"kind": "sweep", "jobs": [task_overrides(combo) for combo in combos]}
    claim = claims.claim(runs[0][1]["sweep"].resolve(), key=KEY, unique=not given(overrides, KEY),
                         resumable=holds(MARKER, request, "sweep", KEY))
    try:
        claim.require(2 * sum(estimate(cfg).output for cfg, _ in runs))
        if not claim.resumed:
            output.replace_files(claim.folder, {MARKER: output.to_json(request)})
        first = runs[0][0]
        todo = {num: plan({cfg.scenario: cfg}, cfg.run.replications, claim.folder / str(num))
                for num, (cfg, _) in enumerate(runs) if not (claim.folder / str(num) / output.MANIFEST).exists()}
        missing = {num: sum(not finished(job) for job in jobs) for num, jobs in todo.items()}
        _, failures = run_jobs([job for jobs in todo.values() for job in jobs], first.run.workers,
                               first.run.progress, claim.folder)
        if failures:
            print(f"tradesim: {len(failures)} replication(s) failed; the finished ones are kept: the same command "
                  f"with hydra.sweep.dir={claim.folder} computes only the missing ones", file=sys.stderr)
            return 1
        for num, jobs in todo.items():
            # the job's own time: its replications' (they ran interleaved with the other jobs', maybe elsewhere)
            wall = sum(output.read_json(job.folder / output.MANIFEST)["wall_time_s"] for job in jobs)
            publish_run(runs[num][0], claim.folder / str(num), jobs, missing[num], wall,
                        {"job": num, "overrides": request["jobs"][num]})
            print(f"job {num} ({' '.join(request['jobs'][num]) or 'defaults'}): {claim.folder / str(num)}")
        print(f"sweep: {len(runs)} job(s); {collect(claim.folder)}")
    finally:
        claim.release()
    return 0


def collect(folder: Path) -> str:
    """Concatenate a sweep's finished jobs into ``quarterly`` and ``sweep`` tables at its root, in
    one atomic step; every job folder read is checked against its manifest."""
    from sim.analysis.sweep import sweep_tables
    parts = sorted(p for p in folder.iterdir() if (p / output.MANIFEST).is_file())
    manifests = {p: output.verify(p) for p in parts}
    jobs = [(m["job"], m.get("overrides", []), output.read_tables(p, ("quarterly",))["quarterly"])
            for p, m in manifests.items() if "job" in m]
    if not jobs:
        raise UserError(f"{folder}: holds no finished sweep job (a folder with manifest.json)")
    quarterly, summary = sweep_tables(jobs)
    written = {f"{name}{suffix}" for name in SWEEP_TABLES for suffix in (".csv", ".parquet")} | {output.MANIFEST}
    output.publish(folder, {"quarterly": quarterly, "sweep": summary}, {},
                   {"kind": "sweep", "jobs": sorted(job for job, _, _ in jobs)},
                   keep=[p.name for p in folder.iterdir() if p.name not in written])
    return f"{len(jobs)} job(s) collected into {folder / 'quarterly.csv'} and {folder / 'sweep.csv'}"


def cmd_collect(args: list[str]) -> int:
    if len(args) != 1 or not Path(args[0]).is_dir():
        raise UserError(f"usage: tradesim collect DIR (a sweep folder); got {' '.join(args) or 'nothing'}")
    claim = claims.claim(Path(args[0]), key="DIR", resumable=lambda folder: True)
    try:
        print(collect(claim.folder))
    finally:
        claim.release()
    return 0
