"""The ``tradesim`` command: parses argv and dispatches; the work is done below (sim.compose,
sim.experiments, sim.report). User mistakes (a key that does not exist, a value out of range, a
missing scenario, an output folder that already holds results) end with exit code 2 and one line
on stderr, no traceback.
"""
from __future__ import annotations

import errno
import importlib
import sys
import textwrap

from sim.cli.errors import UserError
from sim.config import ConfigError

__all__ = ["main", "entry"]

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
  calibrate  fit declared parameters (calibration/parameters.yaml) to observed targets with Optuna:
           targets=calibration/targets_2024.yaml [params=[a,b]] [trials=60]; resumable; writes presets
  validate   run the reported pilot outcomes (calibration/validation_2024.yaml, never fitted): validation.csv
  sensitivity  global sensitivity (SALib) of a scenario's paired effect or a baseline metric:
           scenario=X metric=Y method=morris|sobol n=N [params=[a,b]]; resumable
  targeting  risk-targeting strategies on real declarations (files in the public data's schema):
           evaluate train=A.csv test=B.csv | replay data=A.csv [k=5 explore=0,0.1 ...]

examples:
  tradesim run
  tradesim run scenario=baseline_2024 run.replications=10 run.workers=2
  tradesim run world.horizon_quarters=4 run.seed=7 hydra.run.dir=results/my_run
  tradesim run run=smoke
  tradesim run -m run.seed=1,2,3 hydra/launcher=joblib
  tradesim compare experiment=sandbox_pilot run.workers=4
  tradesim compare scenarios=[inspection_targeting] run.replications=5 hydra.run.dir=results/x
  tradesim compare experiment=sandbox_pilot resume=true
  tradesim calibrate targets=calibration/targets_2024.yaml trials=60 run.workers=2
  tradesim validate population=results/calibrations/targets_2024/<time>/presets/population/calibrated_2024.yaml
  tradesim sensitivity scenario=single_window metric=release_time_mean_h method=morris n=6 run=smoke
  tradesim compare scenarios=[inspection_targeting] uncertainty=8 run.replications=2
  tradesim targeting evaluate train=train.csv test=valid.csv hydra.run.dir=results/eval
  tradesim targeting replay data=train.csv k=5 explore=0,0.1
"""

def cmd_run_or_sweep(args: list[str]) -> int:
    """``tradesim run``; with ``-m``, a Hydra sweep."""
    if "-m" in args or "--multirun" in args:
        from sim.cli.sweep import cmd_sweep
        return cmd_sweep([a for a in args if a not in ("-m", "--multirun")])
    from sim.cli.runs import cmd_run
    return cmd_run(args)


def cmd_list(args: list[str]) -> int:
    from sim.catalogue import catalogue
    from sim.compose import ROOT
    from sim.experiments.definitions import available_experiments, load_experiment
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


# command -> its function (modules are imported when the command runs: a mistake is reported fast)
COMMANDS = {"run": "sim.cli:cmd_run_or_sweep", "compare": "sim.cli.compare:cmd_compare",
            "report": "sim.cli.reporting:cmd_report", "collect": "sim.cli.sweep:cmd_collect",
            "list": "sim.cli:cmd_list", "bench": "sim.cli:cmd_bench", "targeting": "sim.cli.targeting:cmd_targeting",
            "calibrate": "sim.cli.calibrate:cmd_calibrate", "validate": "sim.cli.calibrate:cmd_validate",
            "sensitivity": "sim.cli.sensitivity:cmd_sensitivity"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = args[0], args[1:]
    try:
        if command not in COMMANDS:
            raise UserError(f"unknown command {command!r}; commands: {', '.join(COMMANDS)}")
        module, _, name = COMMANDS[command].partition(":")
        return getattr(importlib.import_module(module), name)(rest)
    except ConfigError as exc:
        print(f"tradesim: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head: nothing more to say
        sys.stderr.close()
        return 0
    except KeyboardInterrupt as exc:  # sim.experiments.jobs.Interrupted says what was kept
        print(f"tradesim: interrupted; {str(exc) or 'no results were written'}", file=sys.stderr)
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
