"""The ``tradesim`` command: parses argv and dispatches; the work is done below (sim.compose,
sim.experiments, sim.report). User mistakes (a key that does not exist, a value out of range, a
missing scenario, an output folder that already holds results) end with exit code 2 and one line
on stderr, no traceback.

A command is one entry of :data:`COMMANDS`: the function that runs it (imported only when the
command runs) and the text of its ``--help``. Settings are Hydra overrides (``key=value``); each
command's ``-h``/``--help`` is answered by :mod:`sim.cli.usage` before any work.
"""
from __future__ import annotations

import errno
import importlib
import sys

from sim.bench import OPTIONS as BENCH_OPTIONS
from sim.cli.errors import UserError
from sim.cli.usage import Command, command_help, overview, parse
from sim.config import ConfigError
from sim.version import __version__

__all__ = ["COMMANDS", "Command", "main", "entry"]

COMMANDS: dict[str, Command] = {
    "run": Command(
        "sim.cli:cmd_run_or_sweep", "run one scenario (default baseline_2024) for run.replications replications",
        "Run one scenario for run.replications replications into a new folder; print a summary table and "
        "the folder. The scenario is a name from the library or a path to your own .yaml file. With -m, "
        "a sweep: comma-separated values make separate jobs, all run on run.executor, one run folder each.",
        options=((("-m", "--multirun"), "a Hydra sweep: one job per combination of comma-separated values"),),
        groups=True,
        examples=("tradesim run", "tradesim run run=smoke", "tradesim run scenario=inspection_targeting "
                  "run.replications=10 run.workers=2", "tradesim run scenario=path/to/my_pilot.yaml",
                  "tradesim run world.horizon_quarters=4 run.seed=7 hydra.run.dir=results/my_run",
                  "tradesim run -m run.seed=1,2,3 run.workers=2")),
    "compare": Command(
        "sim.cli.compare:cmd_compare", "run scenarios against the baseline on common random numbers",
        "Run the baseline and each scenario run.replications times, paired by seed (common random "
        "numbers), and write the effects (comparison, did, observed_vs_true, crn_gain) and the report. "
        "Resumable: the same command on the same folder computes only what is missing.",
        arguments="experiment=NAME|PATH | scenarios=[a,b] [option=value ...] [key=value ...]",
        groups=True, own="compare",
        examples=("tradesim compare experiment=smoke_pilot", "tradesim compare scenarios=[inspection_targeting] "
                  "run.replications=5", "tradesim compare 'scenarios=[inspection_targeting,path/to/my_pilot.yaml]'",
                  "tradesim compare experiment=path/to/my_experiment.yaml run.workers=2",
                  "tradesim compare experiment=smoke_pilot run.executor=ray run.workers=2",
                  "tradesim compare experiment=sandbox_pilot resume=true")),
    "report": Command(
        "sim.cli.reporting:cmd_report", "(re)draw the figures and report.html of a result folder",
        "Draw every figure that applies to the folder's saved tables, and write report.md and a "
        "self-contained report.html (figures embedded; optionally report.pdf); nothing is simulated.",
        arguments="DIR [pdf=true]", examples=("tradesim report results/experiments/smoke_pilot/<time>",)),
    "collect": Command(
        "sim.cli.sweep:cmd_collect", "concatenate the finished jobs of a sweep folder",
        "Concatenate the finished jobs of a sweep folder (tradesim run -m) into quarterly and sweep tables.",
        arguments="DIR", examples=("tradesim collect results/sweeps/<time>",)),
    "dashboard": Command(
        "sim.cli.dashboard:cmd_dashboard", "a local web app: explore results, watch a port, try a setting",
        "Serve a local web app (Solara, on 127.0.0.1) over a results folder: effects with the rows of "
        "comparison.csv they come from, the report's figures, a watched port's week hour by hour, and lever "
        "controls that run a small comparison in the background (docs/dashboard.md). Needs "
        "pip install 'tradesim[dashboard]'.",
        arguments="[DIR] [port=N] [out=DIR]",
        examples=("tradesim dashboard results/experiments/smoke_pilot/<time>", "tradesim dashboard port=8765")),
    "list": Command(
        "sim.cli.listing:cmd_list", "scenarios, policies (with parameters), events, experiments, config presets",
        "List what the library holds, with full descriptions; 'policies NAME' prints a policy's "
        "parameters with default, unit, range and meaning.",
        arguments="[scenarios|policies|experiments|presets] [NAME]",
        examples=("tradesim list", "tradesim list policies", "tradesim list policies sandbox")),
    "bench": Command(
        "sim.cli.listing:cmd_bench", "the performance benchmark against a bare-simpy model",
        "Run world=national for one year and a bare-simpy model of the same flow, each repeats times in a "
        "fresh process; print the median declarations per CPU-second and per second on two scopes "
        "(simulation only; end to end), peak memory, simpy events per declaration and the ratios, then "
        "tradesim's peak memory at world.scale=memory_scale (docs/performance.md).",
        arguments=" ".join(f"[{key}={default}]" for key, (default, _, _) in BENCH_OPTIONS.items()) + " [key=value ...]",
        groups=True,
        examples=("tradesim bench", "tradesim bench repeats=1 memory_scale=0",
                  "tradesim bench world.scale=10", "tradesim bench scenario=reform_2025 world.start=2025-01-01")),
    "targeting": Command(
        "sim.cli.targeting:cmd_targeting", "risk-targeting strategies on real declarations (CSV files)",
        "Fit and compare risk-targeting strategies on files in the public customs data's schema "
        "(docs/targeting.md).", arguments="evaluate train=A.csv test=B.csv | replay data=A.csv [key=value ...]",
        examples=("tradesim targeting evaluate train=train.csv test=valid.csv",
                  "tradesim targeting replay data=train.csv k=5 explore=0,0.1")),
    "calibrate": Command(
        "sim.cli.calibrate:cmd_calibrate", "fit declared uncertain parameters to observed targets (Optuna)",
        "Fit the parameters declared in calibration/parameters.yaml to a targets file with Optuna (TPE), "
        "each trial a set of CRN runs; resumable; writes fit.csv, the best trial's presets and its "
        "validation (docs/calibration.md).",
        arguments="targets=FILE [params=[a,b]] [trials=N] [batch=N] [key=value ...]",
        groups=True, examples=("tradesim calibrate targets=calibration/targets_2024.yaml trials=60 run.workers=2",)),
    "validate": Command(
        "sim.cli.calibrate:cmd_validate", "run the validation targets (reported pilot outcomes): validation.csv",
        "Run the reported pilot outcomes of a validation file (never used in fitting) and say which the "
        "model reproduces within their confidence intervals.", arguments="[targets=FILE] [key=value ...]",
        groups=True, examples=("tradesim validate",
                               "tradesim validate population=results/calibrations/<...>/presets/population/"
                               "calibrated_2024.yaml")),
    "sensitivity": Command(
        "sim.cli.sensitivity:cmd_sensitivity", "global sensitivity (SALib Morris or Sobol) of an effect or metric",
        "Rank the declared uncertain parameters by their influence on a scenario's paired CRN effect or a "
        "baseline metric (SALib Morris or Sobol); design points run as resumable jobs; tornado figure.",
        arguments="scenario=X metric=Y method=morris|sobol [n=N] [params=[a,b]] [key=value ...]", groups=True,
        examples=("tradesim sensitivity scenario=single_window metric=release_time_mean_h method=morris n=6 "
                  "run=smoke",)),
}


def cmd_run_or_sweep(args: list[str]) -> int:
    """``tradesim run``; with ``-m``, a Hydra sweep."""
    if "-m" in args or "--multirun" in args:
        from sim.cli.sweep import cmd_sweep
        return cmd_sweep([a for a in args if a not in ("-m", "--multirun")])
    from sim.cli.runs import cmd_run
    return cmd_run(args)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(overview(COMMANDS))
        return 0
    if args[0] in ("-V", "--version"):
        print(f"tradesim {__version__}")
        return 0
    command, rest = args[0], args[1:]
    try:
        if command not in COMMANDS:
            raise UserError(f"unknown command {command!r}; commands: {', '.join(COMMANDS)} (tradesim --help)")
        if not parse(command, COMMANDS[command], rest):  # --help was answered
            return 0
        module, _, name = COMMANDS[command].target.partition(":")
        return getattr(importlib.import_module(module), name)(rest)
    except ConfigError as exc:
        print(f"tradesim: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head: nothing more to say
        sys.stderr.close()
        return 0
    except KeyboardInterrupt as exc:  # sim.experiments.jobs.Interrupted says what was kept
        print(f"tradesim: interrupted; {str(exc) or 'nothing was written'}", file=sys.stderr)
        return 130
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise
        print(f"tradesim: cannot write {exc.filename or 'the results'} ({exc.strerror}); finished replications "
              f"are kept: free space and run the same command again to compute the rest", file=sys.stderr)
        return 1


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


def help_text(command: str) -> str:
    """The ``--help`` text of ``command`` (for the docs and tests)."""
    return command_help(command, COMMANDS[command])
