"""Release times by phase of an event (before, during, after), like for like: the p90 of the
declarations of the business models a surge concerns (``p90_models_*`` of events.csv), from
hand-made arrays and tables, through the phase table and the report."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.compose import load_config
from sim.events import Event


class Kind:
    def disruption_h(self, hours):
        return hours


EV = Event(0, "e", Kind(), (0,), "p", start=200.0, duration_h=100.0, when="")


def test_p90_of_the_concerned_business_models_takes_only_their_released_declarations():
    from sim.resilience import phase_p90
    arrival = np.repeat([50.0, 250.0, 470.0], 10)  # before, during, after: the last 48 h of the window 0..500
    took = np.tile(np.arange(1.0, 11.0), 3) * np.repeat([1.0, 3.0, 1.0], 10)
    checked = np.tile(np.arange(10) >= 5, 3)
    concerned = np.tile(np.arange(10) % 2 == 0, 3)  # took 1, 3, 5, 7, 9 (x3 during)
    released = np.ones(30, bool)
    released[8] = False  # before: the concerned one that took 9 is still in process
    p90 = phase_p90(EV, arrival, arrival + took, released, checked, 0.0, 500.0, concerned)
    # numpy's linear p90: of 1, 3, 5, 7 -> 5 + 0.7 x 2; of 1, 3, 5, 7, 9 -> 7 + 0.6 x 2; of 7, 9 -> 7 + 0.9 x 2
    assert p90["p90_models_before_h"] == pytest.approx(6.4), "released concerned declarations only: 1, 3, 5, 7"
    assert p90["p90_models_during_h"] == pytest.approx(3 * 8.2), "3, 9, 15, 21, 27 during"
    assert p90["p90_models_after_h"] == pytest.approx(8.2), "1, 3, 5, 7, 9 after"
    assert p90["p90_models_checked_before_h"] == pytest.approx(7.0), "checked and concerned, released: 7 alone"
    assert p90["p90_models_checked_during_h"] == pytest.approx(3 * 8.8), "21, 27 during"
    assert p90["p90_before_h"] == pytest.approx(np.percentile([1, 2, 3, 4, 5, 6, 7, 8, 10], 90)), \
        "the pooled p90 takes every released declaration, whatever its business model"
    everyone = phase_p90(EV, arrival, arrival + took, released, checked, 0.0, 500.0)
    assert all(np.isnan(v) for k, v in everyone.items() if "_models" in k), \
        "an event that concerns every business model has no like-for-like columns (NaN)"
    assert {k: v for k, v in everyone.items() if "_models" not in k} == \
        {k: v for k, v in p90.items() if "_models" not in k}, "the other columns do not depend on it"


def test_the_watch_measures_apart_only_the_business_models_a_surge_names():
    from sim.agents.schedule import Schedule
    from sim.calendar import Calendar
    from sim.events import events_of
    from sim.resilience import EventWatch
    start = "2025-03-04T09:00"
    cfg, _ = load_config(["run=smoke", f'world.events=[{{kind: traffic_surge, start: "{start}", duration_h: 72, '
                          'params: {business_models: [cbec_9610]}}, {kind: traffic_surge, start: "2025-03-08T09:00", '
                          'duration_h: 72}, {kind: system_outage, start: "2025-03-12T09:00", duration_h: 8}]'])
    models = list(cfg.population.business_models)
    watch = EventWatch(events_of(cfg), Calendar(cfg.world.start, cfg.world.horizon_quarters, cfg.world.warmup_days),
                       Schedule(cfg.world.ports, models))
    surge, everyone, outage = watch.concerns
    assert list(np.asarray(models)[surge]) == ["cbec_9610"], "the surge of CBEC 9610 concerns its declarations only"
    assert everyone is None and outage is None, "a surge of all business models and an outage concern everyone"


def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three replications of a surge of some business models (s) and of an outage (o)."""
    hours = np.arange(-48.0, 100.0 + 168.0)
    backlog = pd.concat([pd.DataFrame({"scenario": "x", "event": ev, "replication": rep, "hour": hours,
                                       "backlog": 100.0, "pre_event": 100.0, "release_time_p90_h": 10.0,
                                       "release_time_p90_checked_h": 20.0})
                         for ev in ("s", "o") for rep in range(3)], ignore_index=True)
    p90 = {f"p90{who}_{phase}_h": 10.0 for who in ("", "_checked") for phase in ("before", "during", "after")}
    events = pd.DataFrame([{"scenario": "x", "event": ev, "replication": rep, "kind": kind, "port": "hub",
                            "start": "2024-11-04T00:00", "duration_h": 100.0, "recovery_h": 1.0, **p90,
                            **{f"p90_models{who}_{phase}_h": value if ev == "s" else np.nan
                               for who in ("", "_checked")
                               for phase, value in (("before", 2.0 + rep), ("during", 5.0 + 2 * rep), ("after", 3.0))}}
                           for ev, kind in (("s", "traffic_surge"), ("o", "system_outage")) for rep in range(3)])
    return backlog, events


def test_the_phase_table_gives_the_like_for_like_p90_and_its_paired_change():
    from sim.analysis.resilience import phase_table
    backlog, events = tables()
    table = phase_table(backlog, events).set_index(["event", "metric", "phase"])
    during = table.loc[("s", "arrival_p90_models_h", "during")]
    half = stats.t.ppf(0.975, 2) / np.sqrt(3)
    assert during["mean"] == pytest.approx(7.0), "mean of 5, 7, 9"
    assert (during["ci_low"], during["ci_high"]) == pytest.approx((7 - 2 * half, 7 + 2 * half)), "t interval, sd 2"
    assert during["change"] == pytest.approx(4.0), "paired by replication: 3, 4, 5"
    assert (during["change_ci_low"], during["change_ci_high"]) == pytest.approx((4 - half, 4 + half)), "sd 1"
    after = table.loc[("s", "arrival_p90_models_checked_h", "after")]
    assert after["change"] == pytest.approx(0.0) and after["n"] == 3, "after: 3 against 2, 3, 4"
    assert table.loc[("o", "arrival_p90_models_h", "during"), "n"] == 0, "the outage has none"


def test_the_report_lists_the_like_for_like_p90_only_for_the_surge_of_some_business_models():
    from sim.analysis.resilience import phase_table, resilience_table
    from sim.report.resilience import resilience_section
    backlog, events = tables()
    lines = resilience_section(resilience_table(events), phase_table(backlog, events))
    models = [line for line in lines if "the event's business models" in line]
    assert len(models) == 6, f"surge: all and checked, before, during, after: {models}"
    assert all(line.startswith("| x · s |") for line in models), f"none for the outage: {models}"
    assert sum("checked, arrived in the phase" in line and "x · o" in line for line in lines) == 3, \
        "the outage keeps its other p90 rows"
