"""CPU time of learned targeting's path within one run: what `tradesim bench` cannot split out.

usage: python scripts/learned_share.py [key=value ...]

Runs `tradesim bench`'s world (national, one year, one replication) from 2025-01-01 with
scenario=learned_targeting (learned targeting at seaport and parcel_hub from the first day; give
other overrides to change that) in this process, and prints the process's CPU seconds for the
whole run (config, model, clock, tables) and those spent in each step of the learned path (timed
with time.process_time around the functions; nested steps are indented and included in their
parent). docs/targeting.md gives the measured numbers.
"""
from __future__ import annotations

import functools
import sys
import time

import lightgbm

from sim.bench import DEFAULT
from sim.compose import load_config
from sim.learning import features, strategies
from sim.model import SupervisionModel
from sim.policies import risk_learning
from sim.streams import replication_seeds

STEPS = ((risk_learning.LearnedRisk, "scores", "learned path: daily scores, fits included"),
         (risk_learning, "prepare", "  prepare the day's declarations"),
         (risk_learning.LearnedRisk, "fit", "  refit"),
         (features.DeclarationEncoder, "fit_transform", "    encode the window (out-of-fold rates)"),
         (lightgbm.LGBMClassifier, "fit", "    LightGBM fit"),
         (strategies.GBMStrategy, "probability", "  score (fraud probability)"),
         (features.DeclarationEncoder, "matrix", "    encode the day"),
         (lightgbm.Booster, "predict", "    LightGBM predict"),
         (risk_learning.LearnedRisk, "learn", "labels as they arrive"))


def timed(owner, name: str, spent: dict, label: str) -> None:
    """Replace ``owner.name`` by a wrapper adding its CPU time to ``spent[label]``."""
    fn = getattr(owner, name)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start
    setattr(owner, name, wrapper)


def main(args: list[str]) -> None:
    spent = {label: 0.0 for _, _, label in STEPS}
    for owner, name, label in STEPS:
        timed(owner, name, spent, label)
    start = time.process_time()
    cfg, _ = load_config(DEFAULT + ["world.start=2025-01-01", "scenario=learned_targeting"] + args)
    model = SupervisionModel(cfg, replication_seeds(cfg.run.seed, 1)[0])
    model.simulate()
    declarations = int(model.tables().quarterly["declarations"].sum())
    total = time.process_time() - start
    print(f"{declarations:,} declarations, {total:.1f} CPU s ({declarations / total:,.0f} per CPU-second; "
          f"imports before the clock started)")
    for label, seconds in spent.items():
        print(f"  {label:<44}{seconds:7.2f} s {100 * seconds / total:5.1f}%")


if __name__ == "__main__":
    main(sys.argv[1:])
