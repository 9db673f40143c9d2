"""``tradesim run -m`` (Hydra sweeps with any launcher) and ``tradesim collect``."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

from sim import output
from sim.cli.errors import UserError
from sim.cli.runs import run_and_write
from sim.compose import CONFIG_DIR, compose_run, explain, validated


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


def cmd_sweep(overrides: list[str]) -> int:
    """``tradesim run -m``: every job's config is checked first, then Hydra's launcher runs them."""
    import hydra
    from hydra.core.global_hydra import GlobalHydra
    jobs = sweep_jobs(overrides)
    sweep_dir = [compose_run(job)[1] for job in jobs][0]["sweep"].resolve()
    try:
        output.check_free(sweep_dir)
    except output.OutputExists as exc:
        raise UserError(str(exc).replace("hydra.run.dir", "hydra.sweep.dir")) from None
    argv, sys.argv = sys.argv, ["tradesim", "-m", *overrides, f"hydra.sweep.dir='{sweep_dir}'"]
    GlobalHydra.instance().clear()
    try:
        hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")(sweep_job)()
    except SystemExit as exc:  # Hydra has printed why a job failed
        return exc.code if isinstance(exc.code, int) and exc.code else 1
    finally:
        sys.argv = argv
        GlobalHydra.instance().clear()
    print(f"sweep: {len(jobs)} job(s); {collect(sweep_dir)}")
    return 0


def sweep_job(composed) -> str:
    """One job of a sweep, in the launcher's process: a normal run folder in the job's output
    folder, with the job's overrides in manifest.json; no progress bar (jobs run side by side)."""
    from hydra.core.hydra_config import HydraConfig
    job = HydraConfig.get()
    cfg = validated(composed)
    cfg.run.progress = False
    folder = Path(job.runtime.output_dir)
    run_and_write(cfg, folder, {"job": job.job.num, "overrides": list(job.overrides.task)})
    sys.stdout.write(f"job {job.job.num} ({' '.join(job.overrides.task) or 'defaults'}): {folder}\n")
    sys.stdout.flush()  # one write per line: the launcher's processes share stdout
    return str(folder)


def collect(folder: Path) -> str:
    """Concatenate a sweep's finished jobs into ``quarterly`` and ``sweep`` tables at its root."""
    from sim.analysis.sweep import sweep_tables
    manifests = {p: output.read_json(p / "manifest.json") for p in folder.iterdir()
                 if (p / "manifest.json").is_file()}
    jobs = [(m["job"], m.get("overrides", []), output.read_tables(p, ("quarterly",))["quarterly"])
            for p, m in manifests.items() if "job" in m]
    if not jobs:
        raise UserError(f"{folder}: holds no finished sweep job (a folder with manifest.json)")
    quarterly, summary = sweep_tables(jobs)
    output.replace_files(folder, {"quarterly": quarterly, "sweep": summary}, {})
    return f"{len(jobs)} job(s) collected into {folder / 'quarterly.csv'} and {folder / 'sweep.csv'}"


def cmd_collect(args: list[str]) -> int:
    if len(args) != 1 or not Path(args[0]).is_dir():
        raise UserError(f"usage: tradesim collect DIR (a sweep folder); got {' '.join(args) or 'nothing'}")
    print(collect(Path(args[0])))
    return 0
