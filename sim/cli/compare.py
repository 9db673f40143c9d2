"""``tradesim compare``: scenarios against the baseline on common random numbers, resumable."""
from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from sim import claims, output
from sim.cli.errors import UserError
from sim.cli.reporting import draw_figures
from sim.cli.runs import provenance, warn_measured_overload, warn_overload
from sim.cli.uncertainty import parameter_sets
from sim.compose import EXPERIMENT_DIR, SCENARIO_DIR, load_config
from sim.config import Config
from sim.sizing import OUTPUT_OVERHEAD, estimate

COMPARE_OPTIONS = ("experiment", "scenarios", "resume", "report", "placebo", "plan", "uncertainty", "params",
                   "parameters")
SWITCHES = ("resume", "report", "placebo", "plan")  # the options that are true or false
OTHER_SEEDS = 1_000_003  # the placebo baseline runs with run.seed + this (any other seed would do)


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
            elif sep and key.lstrip("+") == "scenario":
                raise UserError("scenario: compare runs each scenario of the experiment against the baseline, so "
                                "scenario= would make them all the same; use scenarios=[a,b] or the experiment")
            elif sep and key.startswith("auto."):
                auto[key.removeprefix("auto.")] = yaml.safe_load(value)
            else:
                overrides.append(arg)
        except yaml.YAMLError:
            raise UserError(f"{key}: cannot read the value {value!r}") from None
    for key in SWITCHES:
        if key in options and not isinstance(options[key], bool):
            raise UserError(f"{key}: must be true or false; got {options[key]!r}")
    return options, auto, overrides


def compare_experiment(options: dict, auto: dict, overrides: list[str]):
    """The experiment to run, its precision target (``run.replications=auto``) and overrides."""
    from sim.experiments import definitions
    if ("experiment" in options) == ("scenarios" in options):
        which = "not both" if "experiment" in options else "one of them"
        raise UserError(f"compare needs experiment=NAME or scenarios=[a,b] ({which}); experiments: "
                        f"{', '.join(definitions.available_experiments(EXPERIMENT_DIR)) or 'none'}")
    if "experiment" in options:
        exp = definitions.load_experiment(EXPERIMENT_DIR, str(options["experiment"]))
    else:
        exp = definitions.parse_experiment({"scenarios": options["scenarios"]}, "compare")
    definitions.check_scenarios(exp, SCENARIO_DIR)
    wants_auto = "run.replications=auto" in overrides or (exp.auto is not None and not any(
        o.startswith("run.replications=") for o in overrides))
    overrides = [o for o in overrides if o != "run.replications=auto"]
    if auto and not wants_auto:
        raise UserError(f"auto.{next(iter(auto))}: auto settings need run.replications=auto")
    if not wants_auto:
        return exp, None, overrides
    try:
        precision = definitions.Precision(**{**dataclasses.asdict(exp.auto or definitions.Precision()), **auto})
    except TypeError:
        allowed = ", ".join(f"auto.{f.name}" for f in dataclasses.fields(definitions.Precision))
        raise UserError(f"auto: unknown setting among {', '.join(auto)}; allowed: {allowed}") from None
    return exp, precision, overrides


def experiment_folder(exp, options: dict, overrides: list[str]) -> tuple[Path, bool]:
    """hydra.run.dir if given, else the latest folder of the experiment (resume=true), else a new
    one: results/experiments/<name>/<time> (made unique if taken); and whether it is a new default."""
    from sim.experiments.jobs import latest_folder
    given = [o.partition("=")[2] for o in overrides if o.lstrip("+").startswith("hydra.run.dir=")]
    parent = Path("results") / "experiments" / exp.name
    if given:
        return Path(given[-1]), False
    if options.get("resume") is True:
        return latest_folder(parent), False
    return parent / time.strftime("%Y-%m-%d_%H-%M-%S"), True


def cmd_compare(args: list[str]) -> int:
    """``tradesim compare``: check the request, claim the folder, compose and check every run's
    config, run what is missing, then write the tables."""
    from sim.experiments.definitions import variants
    from sim.experiments.jobs import holds_experiment
    options, auto, overrides = compare_request(args)
    exp, precision, overrides = compare_experiment(options, auto, overrides)
    root, unique = experiment_folder(exp, options, overrides)
    claim = claims.claim(root, unique=unique, resumable=holds_experiment(exp.name))
    try:
        claim.require(2 * OUTPUT_OVERHEAD, "at least")  # what any run writes at least: a full disk is found at once
        if options.get("resume") is True and not claim.resumed:
            raise UserError(f"resume: nothing to resume: {root} holds no experiment")
        replications = [f"run.replications={exp.replications}"] if exp.replications else []
        configs = {label: load_config([*own, *replications, *overrides])[0] for label, own in variants(exp).items()}
        for cfg in configs.values():
            warn_overload(cfg)
        if len({cfg.run.seed for cfg in configs.values()}) > 1:
            raise UserError("run.seed: the scenarios set different run.seed values: no common random numbers")
        sets, drawn = parameter_sets(options, configs, exp.baseline, precision)
        configs, other_seeds = with_placebo(exp, configs, options)
        reps = precision.max_replications if precision else configs[exp.baseline].run.replications
        claim.require(2 * sum(estimate(cfg, reps).output for cfg in [*configs.values(), *sets.values()]))
        if not claim.resumed:
            output.replace_files(claim.folder, {"experiment.json": output.to_json(
                {"name": exp.name, "question": exp.question, "baseline": exp.baseline,
                 "runs": variants(exp), "overrides": overrides, **drawn})})
        return run_experiment(exp, configs, precision, claim.folder, options, other_seeds, provenance("compare", args),
                              sets)
    finally:
        claim.release()


def placebo_label(exp) -> str:
    return f"{exp.baseline}.other_seeds"


def with_placebo(exp, configs: dict[str, Config], options: dict) -> tuple[dict[str, Config], str | None]:
    """Add the baseline on other seeds (the placebo of the paired DiD) unless placebo=false."""
    if options.get("placebo", True) is False:
        return configs, None
    base = configs[exp.baseline]
    other = dataclasses.replace(base, run=dataclasses.replace(base.run, seed=base.run.seed + OTHER_SEEDS))
    return {**configs, placebo_label(exp): other}, placebo_label(exp)


def run_experiment(exp, configs: dict[str, Config], precision, root: Path, options: dict,
                   other_seeds: str | None, command: dict, sets: dict[str, Config] | None = None) -> int:
    """Run what is missing of ``exp`` in ``root`` (with the runs at drawn parameter ``sets``, if
    any), then write its tables (and figures)."""
    from sim.analysis.evaluation import widest_half_width
    from sim.experiments.jobs import plan, run_jobs, run_until_precise
    base = configs[exp.baseline]
    started = time.time()
    if precision:
        widest = lambda runs: widest_half_width(runs, exp.baseline, precision.metric, precision.port_group,
                                                other_seeds)
        jobs, ran, failures = run_until_precise(configs, root, precision, base.run.workers,
                                                base.run.progress, widest)
    else:
        jobs = plan({**configs, **(sets or {})}, base.run.replications, root)
        ran, failures = run_jobs(jobs, base.run.workers, base.run.progress)
    if failures:
        print(f"tradesim: {len(failures)} of {len(jobs)} runs failed; the {len(jobs) - len(failures)} "
              f"others are saved: rerun with hydra.run.dir={root} to compute the missing ones", file=sys.stderr)
        return 1
    k = len(sets or {}) // len([label for label in configs if label != other_seeds])
    print(write_evaluation(exp, configs, jobs, root, ran, time.time() - started,
                           other_seeds, planning(exp, precision, options), command, k))
    warn_measured_overload(root)
    print(f"results: {root} ({ran} run(s) computed now, {len(jobs) - ran} already done)")
    return draw_figures(root) if options.get("report", True) else 0


def planning(exp, precision, options: dict):
    """The precision target of plan=true: auto.* settings (their defaults without them), on the
    experiment's primary metric when it declares one."""
    from sim.experiments.definitions import Precision
    if options.get("plan") is not True:
        return None
    target = precision or Precision()
    return dataclasses.replace(target, metric=exp.primary_metric) if exp.primary_metric else target


def write_evaluation(exp, configs: dict[str, Config], jobs, root: Path, ran: int, wall_s: float,
                     other_seeds: str | None = None, target=None, command: dict | None = None,
                     parameter_sets: int = 0) -> str:
    """comparison, did, observed_vs_true, crn_gain, quarterly, breakdown, agents, (plan,) (with
    ``parameter_sets``, uncertainty,) summary.md and manifest.json, replacing the previous ones (if
    any) in one atomic step."""
    from sim.analysis.evaluation import evaluate
    from sim.experiments.jobs import load_runs
    from sim.experiments.replications import seed_manifest
    from sim.manifest import build_manifest
    from sim.report.summaries import experiment_summary_markdown
    runs = load_runs(jobs)
    nominal = {label: runs[label] for label in configs}  # without the runs at drawn parameter sets
    tables, skipped = evaluate(nominal, exp.baseline, list(exp.metrics), exp.primary_metric, other_seeds)
    note = plan_note(nominal, exp, target, other_seeds, tables) if target else ""
    if exp.goal:
        from sim.report.goal import goal_section
        note = "\n\n".join(filter(None, [note, goal_section(tables["comparison"], exp.goal, list(exp.metrics))]))
    base, n = configs[exp.baseline], 1 + max(job.replication for job in jobs)
    text = experiment_summary_markdown(exp, base, n, tables, skipped, note)
    if parameter_sets:
        from sim.analysis.uncertainty import uncertainty_table
        from sim.report.calibration import uncertainty_markdown
        scenarios = [label for label in configs if label not in (exp.baseline, other_seeds)]
        tables["uncertainty"] = uncertainty_table(runs, exp.baseline, scenarios, parameter_sets, list(exp.metrics))
        text += uncertainty_markdown(tables["uncertainty"], parameter_sets)
    manifest = build_manifest(base, [], seed_manifest(base, list(range(n))), wall_s)
    manifest.update(experiment=exp.name, replications=n, runs_computed_now=ran, primary_metric=exp.primary_metric,
                    placebo_other_seeds_run_seed=configs[other_seeds].run.seed if other_seeds else None,
                    policies_in_order="see runs/<scenario>/rep_<r>/manifest.json", **(command or {}))
    output.publish(root, tables, {"summary.md": text}, manifest, keep=("experiment.json", "runs", claims.LOCK))
    return text


def plan_note(runs: dict, exp, target, other_seeds: str | None, tables: dict) -> str:
    """plan=true: the replications the target needs, and warnings about skew and load (Markdown)."""
    from sim.analysis.planning import advice, high_load, plan_table
    scenarios = {k: v["quarterly"] for k, v in runs.items() if k not in (exp.baseline, other_seeds)}
    plan = plan_table(runs[exp.baseline]["quarterly"], scenarios, target.metric, target.port_group,
                      target.half_width)
    tables["plan"] = plan
    lines = advice(plan, high_load(tables["breakdown"]))
    most = int(plan["needed"].max()) if plan["needed"].notna().any() else None
    head = (f"## Replication plan (plan=true)\n\nTarget: 95% CI half-width {target.half_width:g} of "
            f"{target.metric} ({target.port_group} ports) in every scenario"
            + (f": {most} replications; continue with run.replications={most} on this folder." if most else "."))
    return head + "\n\n" + "\n".join(f"- {line}" for line in lines)
