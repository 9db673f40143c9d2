"""The ``tradesim`` command: the only module that touches Hydra and argv.

User mistakes (a key that does not exist, a value out of range, a missing scenario, an output
folder that already holds results) end with exit code 2 and one line on stderr, no traceback.
"""
from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from omegaconf import OmegaConf, open_dict
from omegaconf.errors import ConfigKeyError, OmegaConfBaseException

from sim.config import Config, ConfigError, check_keys, register_schemas

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = ROOT / "configs"
USAGE = """usage: tradesim COMMAND [hydra overrides]

commands:
  run      run one scenario (default baseline_2024) for run.replications replications
  list     the available scenarios, policies and config presets
  bench    the performance benchmark (world=national, one year, one process)

examples:
  tradesim run
  tradesim run scenario=baseline_2024 run.replications=10 run.workers=2
  tradesim run world.horizon_quarters=4 run.seed=7 hydra.run.dir=results/my_run
  tradesim run run=smoke
"""


class UserError(Exception):
    """A mistake in what the user asked for; printed as one line, exit code 2."""


def _explain(exc: Exception) -> str:
    """One line naming the key and what is allowed, from a Hydra/OmegaConf error."""
    from hydra.errors import MissingConfigException
    if isinstance(exc, MissingConfigException):
        group, _, name = str(exc.missing_cfg_file).rpartition("/")
        options = ", ".join(exc.options or []) or "none"
        return f"{group or 'config'}: no option named {name!r}; available: {options}"
    cause = exc
    while cause is not None and not isinstance(cause, OmegaConfBaseException):
        cause = cause.__cause__
    if cause is None:
        return str(exc).splitlines()[0]
    key = getattr(cause, "full_key", None) or "config"
    kind = getattr(cause, "object_type", None)
    if isinstance(cause, (ConfigKeyError, AttributeError)):
        if dataclasses.is_dataclass(kind):
            allowed = ", ".join(f.name for f in dataclasses.fields(kind))
            return f"{key}: unknown key; allowed here: {allowed}"
        return _unknown_entry(key)
    return f"{key}: {str(cause).splitlines()[0]}"


def _unknown_entry(key: str) -> str:
    """A key missing from a free-form mapping (policies and their parameters)."""
    from sim.policies import REGISTRY
    parts = key.split(".")
    if parts[0] == "policy" and len(parts) >= 4 and parts[2] == "params" and parts[1] in REGISTRY:
        allowed = ", ".join(f.name for f in dataclasses.fields(REGISTRY[parts[1]].Params))
        return f"{key}: unknown parameter of policy {parts[1]!r}; allowed: {allowed}"
    if parts[0] == "policy" and len(parts) >= 2:
        return (f"{'.'.join(parts[:2])}: no such policy entry; known policies: "
                f"{', '.join(sorted(REGISTRY))} (add an entry with +{key}=...)")
    return f"{key}: no such key here (add a new entry with +{key}=...)"


def load_config(overrides: list[str]) -> tuple[Config, Path]:
    """Compose and validate the config; return it with the run's output folder."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException

    from sim.model import check_config
    if not CONFIG_DIR.is_dir():
        raise UserError(f"no configs/ folder at {CONFIG_DIR}; install tradesim from its source "
                        f"folder with pip install -e .")
    register_schemas()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            composed = compose("config", overrides=overrides, return_hydra_config=True)
        run_dir = Path(composed.hydra.run.dir)
        with open_dict(composed):
            del composed["hydra"]
        plain = OmegaConf.to_container(composed, resolve=True)
    except (HydraException, OmegaConfBaseException) as exc:
        raise UserError(_explain(exc)) from None
    try:
        check_keys(plain, Config)
        cfg: Config = OmegaConf.to_object(composed)
        check_config(cfg)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    return cfg, run_dir


def cmd_run(args: list[str]) -> int:
    from sim import output
    from sim.analysis.summary import summary_table
    from sim.experiment import run_replications, seed_manifest
    from sim.manifest import build_manifest
    if "-m" in args or "--multirun" in args:
        raise UserError("multirun (-m) is not available yet; run one configuration at a time")
    cfg, run_dir = load_config(args)
    try:
        output.check_free(run_dir)
    except output.OutputExists as exc:
        raise UserError(str(exc)) from None
    started = time.time()
    result = run_replications(cfg)
    summary = summary_table(result.quarterly)
    manifest = build_manifest(cfg, result.policies, seed_manifest(cfg), time.time() - started)
    text = summary_markdown(cfg, summary)
    try:
        tables = {"quarterly": result.quarterly, "breakdown": result.breakdown}
        if cfg.run.agent_snapshots:
            tables["agents"] = result.agents
        output.write_folder(run_dir, tables,
                            {"config.yaml": OmegaConf.to_yaml(OmegaConf.structured(cfg)),
                             "manifest.json": output.to_json(manifest), "summary.md": text})
    except output.OutputExists as exc:
        raise UserError(str(exc)) from None
    print(text)
    print(f"results: {run_dir}")
    return 0


def summary_markdown(cfg: Config, summary) -> str:
    """summary.md: what was run and the headline metrics with their 95% CIs."""
    lines = [f"# {cfg.scenario}", "", cfg.description or "", "",
             f"{cfg.run.replications} replication(s), seed {cfg.run.seed}, "
             f"{cfg.world.horizon_quarters} quarters from {cfg.world.start}, all ports pooled; "
             "95% CI across replications (t).", "",
             "| metric | mean | 95% CI |", "|---|---:|---:|"]
    for row in summary.itertuples():
        ci = "n/a" if row.ci_low != row.ci_low else f"{_num(row.ci_low)} – {_num(row.ci_high)}"
        lines.append(f"| {row.metric} | {_num(row.mean)} | {ci} |")
    return "\n".join(lines) + "\n"


def _num(value: float) -> str:
    """Readable numbers: thousands separators for counts and money, 4 digits for rates."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.2f}" if abs(value) >= 10 else f"{value:.4g}"


def cmd_list(args: list[str]) -> int:
    from sim.catalogue import catalogue
    print(catalogue(ROOT))
    return 0


def cmd_bench(args: list[str]) -> int:
    from sim.bench import bench
    print(bench(args))
    return 0


COMMANDS = {"run": cmd_run, "list": cmd_list, "bench": cmd_bench}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = args[0], args[1:]
    try:
        if command not in COMMANDS:
            raise UserError(f"unknown command {command!r}; commands: {', '.join(COMMANDS)}")
        return COMMANDS[command](rest)
    except UserError as exc:
        print(f"tradesim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tradesim: interrupted; nothing was written", file=sys.stderr)
        return 130


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
