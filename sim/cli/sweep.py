"""``tradesim run -m`` (Hydra sweeps with any launcher) and ``tradesim collect``."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

from sim import claims, output
from sim.cli.errors import UserError
from sim.cli.runs import given
from sim.compose import CONFIG_DIR, compose_run, explain, scenario_option, validated
from sim.sizing import estimate

SWEEP_TABLES = ("quarterly", "sweep")


def sweep_jobs(overrides: list[str]) -> list[list[str]]:
    """The overrides of every job of a sweep: the cartesian product of the comma lists."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except HydraException as exc:
        raise UserError(explain(exc)) from None
    choices = [[f"{o.get_key_element()}={v}" for v in o.sweep_string_iterator()]
               if o.is_sweep_override() else [o.input_line] for o in parsed]
    return [list(combo) for combo in itertools.product(*choices)]


def registered(overrides: list[str]) -> list[str]:
    """``overrides`` with scenario files replaced by the names they are registered under."""
    out = []
    for line in overrides:
        key, sep, value = line.partition("=")
        if sep and key.lstrip("+") == "scenario":
            line = f"{key}={','.join(scenario_option(v) for v in value.split(','))}"
        out.append(line)
    return out


def cmd_sweep(overrides: list[str]) -> int:
    """``tradesim run -m``: every job's config is checked first, then Hydra's launcher runs them."""
    import hydra
    from hydra.core.global_hydra import GlobalHydra
    jobs = [compose_run(job) for job in sweep_jobs(overrides)]
    claim = claims.claim(jobs[0][1]["sweep"].resolve(), key="hydra.sweep.dir",
                         unique=not given(overrides, "hydra.sweep.dir"))
    claim.require(2 * sum(estimate(cfg).output for cfg, _ in jobs))
    argv, sys.argv = sys.argv, ["tradesim", "-m", *registered(overrides), f"hydra.sweep.dir='{claim.folder}'"]
    GlobalHydra.instance().clear()
    try:
        hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")(sweep_job)()
    except SystemExit as exc:  # Hydra has printed why a job failed
        return exc.code if isinstance(exc.code, int) and exc.code else 1
    finally:
        sys.argv = argv
        GlobalHydra.instance().clear()
        claim.release()
    print(f"sweep: {len(jobs)} job(s); {collect(claim.folder)}")
    return 0


def sweep_job(composed) -> str:
    """One job of a sweep, in the launcher's process: a normal run folder in the job's output
    folder, with the job's overrides in manifest.json; no progress bar (jobs run side by side)."""
    from hydra.core.hydra_config import HydraConfig

    from sim.experiments.run_folder import run_into
    job = HydraConfig.get()
    cfg = validated(composed)
    cfg.run.progress = False
    folder = Path(job.runtime.output_dir)
    _, failures = run_into(cfg, folder, {"job": job.job.num, "overrides": list(job.overrides.task)})
    if failures:
        raise RuntimeError("; ".join(failures))
    sys.stdout.write(f"job {job.job.num} ({' '.join(job.overrides.task) or 'defaults'}): {folder}\n")
    sys.stdout.flush()  # one write per line: the launcher's processes share stdout
    return str(folder)


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
