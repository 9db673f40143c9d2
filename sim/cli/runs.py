"""``tradesim run``: one scenario's replications into one run folder."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from omegaconf import OmegaConf

from sim import output
from sim.cli.compose import UserError, load_config
from sim.config import Config


def cmd_run(args: list[str]) -> int:
    if "-m" in args or "--multirun" in args:
        from sim.cli.sweep import cmd_sweep
        return cmd_sweep([a for a in args if a not in ("-m", "--multirun")])
    cfg, run_dir = load_config(args)
    warn_overload(cfg)
    try:
        output.check_free(run_dir)
    except output.OutputExists as exc:
        raise UserError(str(exc)) from None
    print(run_and_write(cfg, run_dir))
    print(f"results: {run_dir}")
    return 0


def warn_overload(cfg: Config) -> None:
    """Say, before the run, where the offered load reaches capacity (simulating it is allowed)."""
    from sim.capacity import overload_warnings
    for line in overload_warnings(cfg):
        print(f"tradesim: warning: {line}", file=sys.stderr)


def run_and_write(cfg: Config, run_dir: Path, extra_manifest: dict | None = None) -> str:
    """Run ``cfg``'s replications, write the run folder atomically; return summary.md."""
    from sim.analysis.summary import role_utilisation, summary_table
    from sim.experiment import run_replications, seed_manifest
    from sim.manifest import build_manifest
    from sim.report.summaries import run_summary_markdown
    started = time.time()
    result = run_replications(cfg)
    manifest = build_manifest(cfg, result.policies, seed_manifest(cfg), time.time() - started)
    manifest.update(extra_manifest or {})
    text = run_summary_markdown(cfg, summary_table(result.quarterly), role_utilisation(result.breakdown))
    tables = {"quarterly": result.quarterly, "breakdown": result.breakdown}
    if cfg.run.agent_snapshots:
        tables["agents"] = result.agents
    try:
        output.write_folder(run_dir, tables,
                            {"config.yaml": OmegaConf.to_yaml(OmegaConf.structured(cfg)),
                             "manifest.json": output.to_json(manifest), "summary.md": text})
    except output.OutputExists as exc:
        raise UserError(str(exc)) from None
    return text
