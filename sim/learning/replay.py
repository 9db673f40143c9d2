"""Replay a file of declarations week by week, learning only from what was inspected.

The loop of the Customs-Fraud-Detection simulation framework (Kim et al., "Active Learning for
Human-in-the-Loop Customs Inspection", IEEE TKDE 2022; github.com/Seondong/Customs-Fraud-Detection):
the first ``initial_weeks`` weeks are a fully labelled training window; then, each 7-day week
from the file's first date, the strategy is refitted on every declaration seen so far, with the
labels known only of the initial window and of the declarations selected in earlier weeks
(selection bias: the rest stay unknown), selects ``k`` of the week's declarations (a share
``explore`` of them to explore, at random or where the model is least certain), and learns their
labels. The inspection share may start higher and fall linearly to ``k`` (the peer's
"linear decay" plans). The truth of declarations that were not selected is used only to score
each week (precision, recall, revenue recall); it never reaches a strategy.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from sim.learning.public_data import revenue
from sim.learning.ranking import EXPLORE_BY, count_at, select
from sim.learning.strategies import PROBABILISTIC, STRATEGIES
from sim.streams import Streams

TRUTH = ("fraud", "critical")  # columns a strategy never sees


@dataclass(frozen=True)
class ReplayPlan:
    """How one arm of a replay selects.

    Attributes:
        strategy: Name in :data:`~sim.learning.strategies.STRATEGIES`.
        k: Share of each week's declarations inspected (after the schedule), in (0, 1].
        explore: Share of the selections made to explore, in [0, 1].
        explore_by: ``random`` or ``uncertainty`` (fraud probability closest to 0.5).
        initial_weeks: Weeks of fully labelled training data before the first selection (>= 1).
        k_start: If set, the share inspected in the first selection week, falling linearly to
            ``k`` over ``decay_weeks`` weeks.
        decay_weeks: Length of that schedule, in weeks (>= 1).

    """

    strategy: str = "gbm"
    k: float = 0.05
    explore: float = 0.0
    explore_by: str = "random"
    initial_weeks: int = 4
    k_start: float | None = None
    decay_weeks: int = 10

    def problems(self) -> list[tuple[str, str]]:
        """(setting, what is allowed) for each invalid setting; empty when the plan is valid."""
        out = []
        if self.strategy not in STRATEGIES:
            out.append(("strategy", f"one of {', '.join(STRATEGIES)}; got {self.strategy!r}"))
        for name in ("k", "k_start"):
            value = getattr(self, name)
            if value is not None and not 0 < value <= 1:
                out.append((name, f"a share of declarations in (0, 1]; got {value}"))
        if not 0 <= self.explore <= 1:
            out.append(("explore", f"a share of selections in [0, 1]; got {self.explore}"))
        if self.explore_by not in EXPLORE_BY:
            out.append(("explore_by", f"one of {', '.join(EXPLORE_BY)}; got {self.explore_by!r}"))
        elif self.explore_by == "uncertainty" and self.explore > 0 and self.strategy not in PROBABILISTIC:
            out.append(("explore_by", f"uncertainty needs a strategy with fraud probabilities "
                                      f"({', '.join(PROBABILISTIC)}); got {self.strategy!r}"))
        for name in ("initial_weeks", "decay_weeks"):
            if getattr(self, name) < 1:
                out.append((name, f"a whole number of weeks >= 1; got {getattr(self, name)}"))
        return out

    def rates(self, weeks: int) -> np.ndarray:
        """Share inspected in each of ``weeks`` selection weeks."""
        if self.k_start is None:
            return np.full(weeks, self.k)
        ramp = np.linspace(self.k_start, self.k, self.decay_weeks + 1)[:-1]
        return np.concatenate([ramp, np.full(max(weeks - len(ramp), 0), self.k)])[:weeks]


def week_numbers(dates: pd.Series) -> np.ndarray:
    """7-day weeks counted from the first date (0, 1, ...)."""
    days = (dates - dates.min()).dt.days.to_numpy()
    return days // 7


class Week(NamedTuple):
    """One selection week: its rows, what was picked (row indices of the frame) and how."""

    week: int
    rate: float
    rows: np.ndarray
    picked: np.ndarray
    explored: np.ndarray  # mask over picked: chosen to explore
    labelled: int         # labels known when the week's model was fitted


def weekly_selections(frame: pd.DataFrame, plan: ReplayPlan, seed: int) -> Iterator[Week]:
    """Walk ``frame`` week by week; the strategy sees no truth column and only the labels learned.

    Args:
        frame: Declarations with their truth (frame of :func:`read_declarations`), date-sorted.
        plan: How the arm selects.
        seed: Weekly fits and selections draw from streams of this seed named by purpose and week,
            so arms that differ only in exploration share their other random numbers.

    """
    week = week_numbers(frame["date"])
    fraud = frame["fraud"].to_numpy(float)
    labels = np.where(week < plan.initial_weeks, fraud, np.nan)  # known so far
    observed = frame.drop(columns=list(TRUTH))
    streams = Streams(np.random.SeedSequence(seed))
    weeks = np.arange(plan.initial_weeks, week.max() + 1)
    uncertain = plan.explore_by == "uncertainty" and plan.explore > 0
    for w, rate in zip(weeks, plan.rates(len(weeks))):
        rows, past = np.flatnonzero(week == w), np.flatnonzero(week < w)
        if len(rows) == 0:
            continue
        strategy = STRATEGIES[plan.strategy]().fit(observed.iloc[past], labels[past], streams.get("fit", day=w))
        batch = observed.iloc[rows]
        chosen, explored = select(strategy.score(batch), count_at(len(rows), rate), streams.get("select", day=w),
                                  plan.explore, plan.explore_by, strategy.probability(batch) if uncertain else None)
        yield Week(int(w), float(rate), rows, rows[chosen], explored, int((~np.isnan(labels[past])).sum()))
        labels[rows[chosen]] = fraud[rows[chosen]]  # inspected: now known


def replay(frame: pd.DataFrame, plan: ReplayPlan, seed: int) -> pd.DataFrame:
    """One row per selection week of :func:`weekly_selections`: counts of what was selected and
    found, and of what was there to find (frauds, revenue of the week)."""
    fraud, recovered, dates = frame["fraud"].to_numpy(float), revenue(frame), frame["date"]
    return pd.DataFrame([_week_row(s, dates.iloc[s.rows[0]], fraud, recovered)
                         for s in weekly_selections(frame, plan, seed)])


def _week_row(s: Week, start, fraud: np.ndarray, recovered: np.ndarray) -> dict:
    found = fraud[s.picked] == 1
    return {"week": s.week, "week_start": pd.Timestamp(start).date().isoformat(), "inspection_rate": s.rate,
            "declarations": len(s.rows), "labelled": s.labelled, "selected": len(s.picked),
            "explored": int(s.explored.sum()), "frauds": int(fraud[s.rows].sum()), "found": int(found.sum()),
            "found_exploring": int(found[s.explored].sum()), "revenue": float(recovered[s.rows].sum()),
            "revenue_found": float(recovered[s.picked].sum())}


def with_rates(series: pd.DataFrame) -> pd.DataFrame:
    """Add precision, exploitation precision, recall and revenue recall to weekly (or pooled) counts."""
    out = series.copy()
    exploiting = out["selected"] - out["explored"]
    out["precision"] = out["found"] / out["selected"]
    out["exploit_precision"] = (out["found"] - out["found_exploring"]) / exploiting.where(exploiting > 0)
    out["recall"] = out["found"] / out["frauds"].where(out["frauds"] > 0)
    out["revenue_recall"] = out["revenue_found"] / out["revenue"].where(out["revenue"] > 0)
    return out


def last_quarter(series: pd.DataFrame) -> pd.Series:
    """Weeks that start in the calendar quarter of the last week's start."""
    quarter = pd.PeriodIndex(pd.to_datetime(series["week_start"]), freq="Q")
    return pd.Series(quarter == quarter.max(), index=series.index)


def summary(series: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per arm: rates pooled over all selection weeks and over the last quarter's weeks."""
    counts = ["selected", "explored", "frauds", "found", "found_exploring", "revenue", "revenue_found"]
    whole = with_rates(series.groupby(by, sort=False)[counts].sum())
    last = with_rates(series[last_quarter(series)].groupby(by, sort=False)[counts].sum())
    rates = ["precision", "exploit_precision", "recall", "revenue_recall"]
    table = whole[rates].join(last[rates].add_suffix("_last_quarter"))
    table.insert(0, "weeks", series.groupby(by, sort=False).size())
    return table.reset_index()
