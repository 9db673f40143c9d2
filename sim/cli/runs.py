"""``tradesim run``: one scenario's replications into one run folder."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

from sim.config import Config


def given(overrides: list[str], key: str) -> Optional[Path]:
    """The folder the command line gives as ``key`` (e.g. hydra.run.dir), if it is a plain path
    (else the folder is Hydra's default name, made unique if taken)."""
    values = [o.partition("=")[2] for o in overrides if o.lstrip("+").startswith(f"{key}=")]
    return Path(values[-1]) if values and "${" not in values[-1] else None


def cmd_run(args: list[str]) -> int:
    """A folder given on the command line is checked and claimed first (a mistake there, or a full
    disk, is reported in a second or two), then the config is composed and checked, then the
    free space for its estimated output, then the run starts."""
    from sim import claims
    from sim.experiments.run_folder import resumable
    from sim.sizing import OUTPUT_OVERHEAD, estimate
    folder = given(args, "hydra.run.dir")
    claim = claims.claim(folder, resumable=resumable) if folder else None
    try:
        if claim:
            claim.require(2 * OUTPUT_OVERHEAD, "at least")  # what any run writes at least
        from sim.compose import load_config
        from sim.experiments.run_folder import run_into
        cfg, run_dir = load_config(args)
        cfg = named_for_what_it_is(cfg, args)
        if run_dir.parent.name != cfg.scenario and not folder:  # results/runs/<scenario>/<time>
            run_dir = run_dir.parent.parent / cfg.scenario / run_dir.name
        warn_overload(cfg)
        claim = claim or claims.claim(run_dir, unique=True, resumable=resumable)
        claim.require(2 * estimate(cfg).output)
        text, failures = run_into(cfg, claim.folder, provenance("run", args))
    finally:
        if claim:
            claim.release()
    if failures:
        print(f"tradesim: {len(failures)} of {cfg.run.replications} replications failed; the finished ones are "
              f"kept in {claim.folder / 'runs'}: the same command with hydra.run.dir={claim.folder} computes "
              f"only the missing ones", file=sys.stderr)
        return 1
    print(text)
    warn_measured_overload(claim.folder, cfg.scenario)
    print(f"results: {claim.folder}")
    return 0


def provenance(command: str, args: list[str]) -> dict:
    """What manifest.json records of the command line: the whole command (shell-quoted) and the
    overrides it gave."""
    import shlex
    return {"command": shlex.join(["tradesim", command, *args]), "overrides": list(args)}


def named_for_what_it_is(cfg: Config, overrides: list[str]) -> Config:
    """A run whose command line adds or changes policy entries is not the scenario it started
    from: ``+policy.pilot=...`` on baseline_2024 is named ``baseline_2024+pilot`` (its folder and
    tables too), and its description lists the changes."""
    import dataclasses
    changed = [o for o in overrides if o.partition("=")[0].lstrip("+~").startswith("policy.")]
    entries = list(dict.fromkeys(o.partition("=")[0].lstrip("+~").split(".")[1] for o in changed))
    if not entries:
        return cfg
    return dataclasses.replace(cfg, scenario=f"{cfg.scenario}+{'+'.join(entries)}",
                               description=f"{cfg.description}; changed on the command line: {'; '.join(changed)}")


def warn_overload(cfg: Config) -> None:
    """Say, before the run, where the offered load reaches capacity (simulating it is allowed)."""
    from sim.capacity import overload_warnings
    for line in overload_warnings(cfg):
        print(f"tradesim: warning: {line}", file=sys.stderr)


def warn_measured_overload(folder: Path, scenario: str = "") -> None:
    """Say, after the run, which events loaded a queue to 1 or more (measured, events.csv; a
    run's table has no scenario column: ``scenario`` names it)."""
    from sim import output
    events = output.read_tables(folder, ("events",)).get("events")
    if events is not None and len(events):  # the analysis (and scipy.stats) only for a run with events
        from sim.analysis.resilience import overload_lines
        for line in overload_lines(events if "scenario" in events else events.assign(scenario=scenario)):
            print(f"tradesim: warning: {line}", file=sys.stderr)
