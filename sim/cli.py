"""The ``tradesim`` command: the only module that touches Hydra and argv.

User mistakes (a key that does not exist, a value out of range, a missing scenario, an output
folder that already holds results) end with exit code 2 and one line on stderr, no traceback.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import sys
import textwrap
import time
from pathlib import Path

from omegaconf import OmegaConf, open_dict
from omegaconf.errors import ConfigKeyError, OmegaConfBaseException

from sim import output
from sim.config import Config, ConfigError, check_keys, register_schemas

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = ROOT / "configs"
USAGE = """usage: tradesim COMMAND [hydra overrides]

commands:
  run      run one scenario (default baseline_2024) for run.replications replications;
           with -m, a Hydra sweep (one run folder per job, tables concatenated at the root)
  compare  run scenarios against the baseline on common random numbers (experiment=NAME or
           scenarios=[a,b]); resumable: the same command on the same folder computes what is missing
  report   (re)draw the figures and the report of a result folder: tradesim report DIR
  collect  concatenate the jobs of a sweep folder: tradesim collect DIR
  list     the available scenarios, policies, experiments and config presets
  bench    the performance benchmark (world=national, one year, one process)

examples:
  tradesim run
  tradesim run scenario=baseline_2024 run.replications=10 run.workers=2
  tradesim run world.horizon_quarters=4 run.seed=7 hydra.run.dir=results/my_run
  tradesim run run=smoke
  tradesim run -m run.seed=1,2,3 hydra/launcher=joblib
  tradesim compare experiment=sandbox_pilot run.workers=4
  tradesim compare scenarios=[inspection_targeting] run.replications=5 hydra.run.dir=results/x
  tradesim compare experiment=sandbox_pilot resume=true
"""
# Hydra launcher plugins behind the cluster presets in configs/hydra/launcher -> pip extra
LAUNCHER_EXTRAS = {"submitit_slurm": "slurm", "submitit_local": "slurm", "ray": "ray", "ray_aws": "ray"}


class UserError(Exception):
    """A mistake in what the user asked for; printed as one line, exit code 2."""


def _explain(exc: Exception) -> str:
    """One line naming the key and what is allowed, from a Hydra/OmegaConf error."""
    from hydra.errors import MissingConfigException
    if isinstance(exc, MissingConfigException):
        group, _, name = str(exc.missing_cfg_file).rpartition("/")
        if group == "hydra/launcher" and name in LAUNCHER_EXTRAS:
            return (f"hydra/launcher: {name} comes from a launcher plugin that is not installed: "
                    f"pip install -e '.[{LAUNCHER_EXTRAS[name]}]'")
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
    cfg, dirs = _load(overrides)
    return cfg, dirs["run"]


def _load(overrides: list[str]) -> tuple[Config, dict[str, Path]]:
    """The validated config and Hydra's run and sweep folders for ``overrides``."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    if not CONFIG_DIR.is_dir():
        raise UserError(f"no configs/ folder at {CONFIG_DIR}; install tradesim from its source "
                        f"folder with pip install -e .")
    register_schemas()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            composed = compose("config", overrides=overrides, return_hydra_config=True)
        dirs = {"run": Path(composed.hydra.run.dir), "sweep": Path(composed.hydra.sweep.dir)}
        with open_dict(composed):
            del composed["hydra"]
        return _validated(composed), dirs
    except (HydraException, OmegaConfBaseException) as exc:
        raise UserError(_explain(exc)) from None


def _validated(composed) -> Config:
    """The typed, range-checked config of a composed Hydra config (without its hydra node)."""
    from sim.model import check_config
    plain = OmegaConf.to_container(composed, resolve=True)
    try:
        check_keys(plain, Config)
        cfg: Config = OmegaConf.to_object(composed)
        check_config(cfg)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    return cfg


def cmd_run(args: list[str]) -> int:
    if "-m" in args or "--multirun" in args:
        return cmd_sweep([a for a in args if a not in ("-m", "--multirun")])
    cfg, run_dir = load_config(args)
    try:
        output.check_free(run_dir)
    except output.OutputExists as exc:
        raise UserError(str(exc)) from None
    print(run_and_write(cfg, run_dir))
    print(f"results: {run_dir}")
    return 0


def run_and_write(cfg: Config, run_dir: Path, extra_manifest: dict | None = None) -> str:
    """Run ``cfg``'s replications, write the run folder atomically; return summary.md."""
    from sim.analysis.evaluation import run_summary_markdown
    from sim.analysis.summary import summary_table
    from sim.experiment import run_replications, seed_manifest
    from sim.manifest import build_manifest
    started = time.time()
    result = run_replications(cfg)
    manifest = build_manifest(cfg, result.policies, seed_manifest(cfg), time.time() - started)
    manifest.update(extra_manifest or {})
    text = run_summary_markdown(cfg, summary_table(result.quarterly))
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


# --------------------------------------------------------------------------- sweeps (run -m)


def sweep_jobs(overrides: list[str]) -> list[list[str]]:
    """The overrides of every job of a sweep: the cartesian product of the comma lists."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except HydraException as exc:
        raise UserError(_explain(exc)) from None
    choices = [[f"{o.get_key_element()}={v}" for v in o.sweep_string_iterator()]
               if o.is_sweep_override() else [o.input_line] for o in parsed]
    return [list(combo) for combo in itertools.product(*choices)]


def cmd_sweep(overrides: list[str]) -> int:
    """``tradesim run -m``: every job's config is checked first, then Hydra's launcher runs them."""
    import hydra
    from hydra.core.global_hydra import GlobalHydra
    jobs = sweep_jobs(overrides)
    sweep_dir = [_load(job)[1] for job in jobs][0]["sweep"].resolve()
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
    cfg = _validated(composed)
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


# --------------------------------------------------------------------------- compare


COMPARE_OPTIONS = ("experiment", "scenarios", "resume", "report")


def compare_request(args: list[str]) -> tuple[dict, dict, list[str]]:
    """Split compare's own options (experiment=, scenarios=, resume=, report=, auto.*=) from
    the Hydra overrides, which apply to every run."""
    import yaml
    options, auto, overrides = {}, {}, []
    for arg in args:
        key, sep, value = arg.partition("=")
        try:
            if sep and key in COMPARE_OPTIONS:
                options[key] = yaml.safe_load(value)
            elif sep and key.startswith("auto."):
                auto[key.removeprefix("auto.")] = yaml.safe_load(value)
            else:
                overrides.append(arg)
        except yaml.YAMLError:
            raise UserError(f"{key}: cannot read the value {value!r}") from None
    return options, auto, overrides


def compare_experiment(options: dict, auto: dict, overrides: list[str]):
    """The experiment to run, its precision target (``run.replications=auto``) and overrides."""
    from sim import experiment as E
    if ("experiment" in options) == ("scenarios" in options):
        which = "not both" if "experiment" in options else "one of them"
        raise UserError(f"compare needs experiment=NAME or scenarios=[a,b] ({which}); experiments: "
                        f"{', '.join(E.available_experiments(ROOT / 'experiments')) or 'none'}")
    if "experiment" in options:
        exp = E.load_experiment(ROOT / "experiments", str(options["experiment"]))
    else:
        names = options["scenarios"] if isinstance(options["scenarios"], list) else [options["scenarios"]]
        exp = E.parse_experiment({"name": "+".join(map(str, names)), "scenarios": names}, "compare")
    E.check_scenarios(exp, ROOT / "scenarios")
    wants_auto = "run.replications=auto" in overrides or (exp.auto is not None and not any(
        o.startswith("run.replications=") for o in overrides))
    overrides = [o for o in overrides if o != "run.replications=auto"]
    if auto and not wants_auto:
        raise UserError(f"auto.{next(iter(auto))}: auto settings need run.replications=auto")
    if not wants_auto:
        return exp, None, overrides
    try:
        precision = E.Precision(**{**dataclasses.asdict(exp.auto or E.Precision()), **auto})
    except TypeError:
        allowed = ", ".join(f"auto.{f.name}" for f in dataclasses.fields(E.Precision))
        raise UserError(f"auto: unknown setting among {', '.join(auto)}; allowed: {allowed}") from None
    return exp, precision, overrides


def experiment_folder(exp, options: dict, overrides: list[str]) -> Path:
    """hydra.run.dir if given, else the latest folder of the experiment (resume=true), else a new
    one: results/experiments/<name>/<time>."""
    from sim.experiment import latest_folder
    given = [o.partition("=")[2] for o in overrides if o.startswith("hydra.run.dir=")]
    parent = Path("results") / "experiments" / exp.name
    if given:
        return Path(given[-1])
    if options.get("resume") is True:
        return latest_folder(parent)
    return parent / time.strftime("%Y-%m-%d_%H-%M-%S")


def cmd_compare(args: list[str]) -> int:
    from sim.experiment import ExperimentError
    try:
        return compare(args)
    except ExperimentError as exc:
        raise UserError(str(exc)) from None


def compare(args: list[str]) -> int:
    """``tradesim compare``: check everything, run what is missing, then write the tables."""
    from sim import experiment as E
    from sim.analysis.evaluation import widest_half_width
    options, auto, overrides = compare_request(args)
    exp, precision, overrides = compare_experiment(options, auto, overrides)
    replications = [f"run.replications={exp.replications}"] if exp.replications else []
    configs = {label: load_config([*own, *replications, *overrides])[0]
               for label, own in E.variants(exp).items()}
    base = configs[exp.baseline]
    if len({cfg.run.seed for cfg in configs.values()}) > 1:
        raise UserError("the scenarios set different run.seed values: no common random numbers")
    root = experiment_folder(exp, options, overrides)
    if not E.open_folder(root, exp.name, must_exist=options.get("resume") is True):
        output.replace_files(root, {}, {"experiment.json": output.to_json(
            {"name": exp.name, "question": exp.question, "baseline": exp.baseline,
             "runs": E.variants(exp), "overrides": overrides})})
    started = time.time()
    if precision:
        widest = lambda runs: widest_half_width(runs, exp.baseline, precision.metric, precision.port_group)
        jobs, ran, failures = E.run_until_precise(configs, root, precision, base.run.workers,
                                                  base.run.progress, widest)
    else:
        jobs = E.plan(configs, base.run.replications, root)
        ran, failures = E.run_jobs(jobs, base.run.workers, base.run.progress)
    if failures:
        print(f"tradesim: {len(failures)} of {len(jobs)} runs failed; the {len(jobs) - len(failures)} "
              f"others are saved: rerun with hydra.run.dir={root} to compute the missing ones", file=sys.stderr)
        return 1
    print(write_evaluation(exp, configs, jobs, root, ran, time.time() - started))
    print(f"results: {root} ({ran} run(s) computed now, {len(jobs) - ran} already done)")
    return draw_figures(root) if options.get("report", True) else 0


def write_evaluation(exp, configs: dict[str, Config], jobs, root: Path, ran: int, wall_s: float) -> str:
    """comparison, did, observed_vs_true, crn_gain, quarterly, breakdown, summary.md and manifest.json."""
    from sim.analysis.evaluation import evaluate, experiment_summary_markdown
    from sim.experiment import load_runs, seed_manifest
    from sim.manifest import build_manifest
    tables, skipped = evaluate(load_runs(jobs), exp.baseline, list(exp.metrics))
    base, n = configs[exp.baseline], 1 + max(job.replication for job in jobs)
    text = experiment_summary_markdown(exp, base, n, tables, skipped)
    manifest = build_manifest(base, [], seed_manifest(base, list(range(n))), wall_s)
    manifest.update(experiment=exp.name, replications=n, runs_computed_now=ran,
                    policies_in_order="see runs/<scenario>/rep_<r>/manifest.json")
    output.replace_files(root, tables, {"summary.md": text, "manifest.json": output.to_json(manifest)})
    return text


# --------------------------------------------------------------------------- report


def cmd_report(args: list[str]) -> int:
    if len(args) != 1 or not Path(args[0]).is_dir():
        raise UserError(f"usage: tradesim report DIR (a run or experiment folder); got "
                        f"{' '.join(args) or 'nothing'}")
    print(f"report: {build_report(Path(args[0]))}")
    return 0


def build_report(folder: Path) -> Path:
    """Figures and report of ``folder``, drawn by sim.report (imported only when needed)."""
    try:
        from sim.report import build_report as build
    except ImportError as exc:
        if exc.name != "sim.report":
            raise
        raise UserError("tradesim report needs sim/report.py (build_report), which this "
                        "installation does not have yet") from None
    try:
        return build(folder)
    except FileNotFoundError as exc:
        raise UserError(str(exc).splitlines()[0]) from None


def draw_figures(root: Path) -> int:
    """After compare: the report, when sim.report exists; a failure is one line, exit code 1."""
    if importlib.util.find_spec("sim.report") is None:
        print(f"figures: not drawn (sim/report.py is not installed); later: tradesim report {root}")
        return 0
    try:
        print(f"report: {build_report(root)}")
    except Exception as exc:  # the tables are saved; a figure bug must not hide them
        print(f"tradesim: the report failed ({type(exc).__name__}: {exc}); the tables are saved in {root}",
              file=sys.stderr)
        return 1
    return 0


def cmd_list(args: list[str]) -> int:
    from sim.catalogue import catalogue
    from sim.experiment import available_experiments, load_experiment
    folder = ROOT / "experiments"
    print(catalogue(ROOT))
    print("experiments (tradesim compare experiment=NAME):")
    for name in available_experiments(folder):
        exp = load_experiment(folder, name)
        print(f"  {name:<28} {textwrap.shorten(exp.question or ', '.join(exp.scenarios), 90)}")
    return 0


def cmd_bench(args: list[str]) -> int:
    from sim.bench import bench
    print(bench(args))
    return 0


COMMANDS = {"run": cmd_run, "compare": cmd_compare, "report": cmd_report, "collect": cmd_collect,
            "list": cmd_list, "bench": cmd_bench}


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
        print("tradesim: interrupted; finished runs are saved, nothing is half-written", file=sys.stderr)
        return 130


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
