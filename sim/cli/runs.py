"""``tradesim run``: one scenario's replications into one run folder."""
from __future__ import annotations

import sys

from sim import output
from sim.compose import load_config
from sim.config import Config
from sim.experiments.run_folder import resumable, run_into
from sim.sizing import estimate


def given(overrides: list[str], key: str) -> bool:
    """Whether the command line sets ``key`` (e.g. hydra.run.dir): else the folder is a default
    name, made unique if taken."""
    return any(o.lstrip("+").startswith(f"{key}=") for o in overrides)


def cmd_run(args: list[str]) -> int:
    cfg, run_dir = load_config(args)
    warn_overload(cfg)
    claim = output.claim(run_dir, need_bytes=2 * int(estimate(cfg).output), unique=not given(args, "hydra.run.dir"),
                         resumable=resumable)
    try:
        text, failures = run_into(cfg, claim.folder)
    finally:
        claim.release()
    if failures:
        print(f"tradesim: {len(failures)} of {cfg.run.replications} replications failed; the finished ones are "
              f"kept in {claim.folder / 'runs'}: the same command with hydra.run.dir={claim.folder} computes "
              f"only the missing ones", file=sys.stderr)
        return 1
    print(text)
    print(f"results: {claim.folder}")
    return 0


def warn_overload(cfg: Config) -> None:
    """Say, before the run, where the offered load reaches capacity (simulating it is allowed)."""
    from sim.capacity import overload_warnings
    for line in overload_warnings(cfg):
        print(f"tradesim: warning: {line}", file=sys.stderr)
