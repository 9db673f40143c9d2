"""``tradesim targeting``: risk-targeting strategies fitted and replayed on real declarations.

``evaluate train=A.csv test=B.csv`` fits every strategy on one file and ranks the other;
``replay data=A.csv`` walks a file week by week, learning only from what was selected. Both read
CSV files in the public customs data's schema, check every setting and input before any work,
and write one new folder atomically (``hydra.run.dir=...``, default results/targeting/<time>).
"""
from __future__ import annotations

import importlib.metadata
import time
from datetime import datetime
from pathlib import Path

import pandas as pd

from sim import output
from sim.cli.errors import UserError
from sim.compose import ROOT
from sim.version import __version__

USAGE = """usage: tradesim targeting evaluate train=A.csv test=B.csv [seed=0] [hydra.run.dir=DIR]
       tradesim targeting replay data=A.csv [strategy=gbm] [k=5] [explore=0,0.1] [explore_by=random]
                                 [initial_weeks=4] [k_start=PCT decay_weeks=10] [seed=0] [hydra.run.dir=DIR]
k and k_start are percent of each week's declarations; explore is the share of the selections made
to explore (random or uncertainty sampling), one replay arm per listed value."""
EVALUATE = {"train": None, "test": None, "seed": "0", "hydra.run.dir": None}
REPLAY = {"data": None, "strategy": "gbm", "k": "5", "explore": "0,0.1", "explore_by": "random",
          "initial_weeks": "4", "k_start": None, "decay_weeks": "10", "seed": "0", "hydra.run.dir": None}
ENGINES = ("lightgbm", "scikit-learn")


def _settings(args: list[str], allowed: dict[str, str | None]) -> dict[str, str]:
    """``key=value`` arguments over the defaults; unknown keys and missing required ones rejected."""
    given = {}
    for arg in args:
        key, eq, value = arg.partition("=")
        if not eq:
            raise UserError(f"targeting: settings are key=value; got {arg!r} ({USAGE.splitlines()[0][7:]})")
        if key not in allowed:
            raise UserError(f"{key}: unknown setting; allowed: {', '.join(allowed)}")
        given[key] = value
    settings = {**{k: v for k, v in allowed.items() if v is not None}, **given}
    for key, default in allowed.items():
        if default is None and key not in settings and key not in ("hydra.run.dir", "k_start"):
            raise UserError(f"{key}: required (a CSV file in the public customs data's schema)")
    return settings


def _number(settings: dict, key: str, kind=float, low: float = 0.0, high: float = float("inf"),
            what: str = "a number") -> float | int:
    try:
        value = kind(settings[key])
    except ValueError:
        raise UserError(f"{key}: {what}; got {settings[key]!r}") from None
    if not low <= value <= high:
        raise UserError(f"{key}: {what}; got {settings[key]}")
    return value


def _claim(settings: dict, command: str):
    """The output folder (hydra.run.dir, or results/targeting/<command>/<time>), checked and
    claimed before any work (released by the caller)."""
    from sim import claims
    given = settings.get("hydra.run.dir")
    stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    return claims.claim(Path(given or Path("results") / "targeting" / command / stamp), unique=not given)


def _read(settings: dict, key: str) -> pd.DataFrame:
    from sim.learning.public_data import DataError, read_declarations
    try:
        return read_declarations(settings[key])
    except DataError as exc:
        raise UserError(f"{key}: {exc}") from None


def _manifest(command: str, settings: dict, frames: dict[str, pd.DataFrame], wall_s: float) -> dict:
    from sim.manifest import git_commit, versions
    return {
        "tradesim_version": __version__, "git_commit": git_commit(ROOT), "command": f"targeting {command}",
        "settings": settings,
        "inputs": {key: {"path": str(Path(settings[key]).resolve()), "rows": len(frame),
                         "dates": [str(frame["date"].min().date()), str(frame["date"].max().date())]}
                   for key, frame in frames.items()},
        "wall_time_s": round(wall_s, 3),
        "versions": {**versions(), **{name: importlib.metadata.version(name) for name in ENGINES}}}


def _write(claim, tables: dict[str, pd.DataFrame], files: dict[str, str | bytes], manifest: dict) -> None:
    """The folder's final files, in one atomic step (checksums in manifest.json)."""
    from sim import claims
    output.publish(claim.folder, tables, files, manifest, keep=(claims.LOCK,))


def cmd_evaluate(args: list[str]) -> int:
    from sim.learning.holdout import evaluate_strategies
    started = time.time()
    settings = _settings(args, EVALUATE)
    seed = _number(settings, "seed", int, what="a whole number >= 0")
    claim = _claim(settings, "evaluate")
    try:
        frames = {key: _read(settings, key) for key in ("train", "test")}
        table = evaluate_strategies(frames["train"], frames["test"], seed)
        _write(claim, {"targeting_eval": table}, {}, _manifest("evaluate", settings, frames, time.time() - started))
    finally:
        claim.release()
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"results: {claim.folder} ({time.time() - started:.0f} s)")
    return 0


def _plans(settings: dict) -> list:
    """One replay plan per exploration share, every setting checked."""
    from sim.learning.replay import ReplayPlan
    percent = dict(kind=float, low=1e-9, high=100, what="a percent of declarations in (0, 100]")
    weeks = dict(kind=int, low=1, what="a whole number of weeks >= 1")
    common = dict(strategy=settings["strategy"], k=_number(settings, "k", **percent) / 100,
                  explore_by=settings["explore_by"], initial_weeks=_number(settings, "initial_weeks", **weeks),
                  decay_weeks=_number(settings, "decay_weeks", **weeks),
                  k_start=_number(settings, "k_start", **percent) / 100 if "k_start" in settings else None)
    shares = settings["explore"].strip("[]").split(",")
    explore = [_number({"explore": s.strip()}, "explore", high=1, what="shares of selections in [0, 1], "
                       "comma-separated") for s in shares]
    plans = [ReplayPlan(**common, explore=share) for share in dict.fromkeys(explore)]
    problems = [problem for plan in plans for problem in plan.problems()]
    if problems:
        raise UserError("{}: {}".format(*problems[0]))
    return plans


def _arm(plan) -> str:
    return f"{plan.strategy}, " + (f"{plan.explore:g} explore ({plan.explore_by})" if plan.explore else "exploit only")


def cmd_replay(args: list[str]) -> int:
    from sim.figures.replay import png_bytes, replay_series
    from sim.learning.replay import replay, summary, week_numbers, with_rates
    started = time.time()
    settings = _settings(args, REPLAY)
    plans, seed = _plans(settings), _number(settings, "seed", int, what="a whole number >= 0")
    claim = _claim(settings, "replay")
    try:
        data = _read(settings, "data")
        span = int(week_numbers(data["date"]).max()) + 1
        if plans[0].initial_weeks >= span:
            raise UserError(f"initial_weeks: must leave weeks to select in; {settings['data']} spans {span} week(s)")
        arms = [replay(data, plan, seed).assign(arm=_arm(plan), strategy=plan.strategy, explore=plan.explore,
                                                explore_by=plan.explore_by) for plan in plans]
        series = with_rates(pd.concat(arms, ignore_index=True))
        keys = ["arm", "strategy", "explore", "explore_by"]
        series = series[keys + [c for c in series.columns if c not in keys]]
        table = summary(series, ["arm", "explore"])
        _write(claim, {"replay": series, "replay_summary": table}, {"replay.png": png_bytes(replay_series(series))},
               _manifest("replay", settings, {"data": data}, time.time() - started))
    finally:
        claim.release()
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"results: {claim.folder} ({time.time() - started:.0f} s)")
    return 0


SUBCOMMANDS = {"evaluate": cmd_evaluate, "replay": cmd_replay}


def cmd_targeting(args: list[str]) -> int:
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    if args[0] not in SUBCOMMANDS:
        raise UserError(f"targeting: unknown subcommand {args[0]!r}; subcommands: {', '.join(SUBCOMMANDS)}")
    return SUBCOMMANDS[args[0]](args[1:])
