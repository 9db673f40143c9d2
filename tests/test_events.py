"""Disruption events in runs: each kind does what it says to every declaration, declarations are
conserved, a surge leaves every other random number alone, and event runs are deterministic
(1 and 2 workers byte-identical). The scenario library's event scenarios document themselves."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.compose import ROOT, load_config
from sim.model import SupervisionModel
from sim.records import CHANNELS, IN_PROCESS
from sim.streams import replication_seeds
from tests.helpers import settled_declarations

START = "2025-03-04T09:00"  # 2025-03-04 09:00 is 3705 h after the smoke start 2024-10-01
T0 = 3705.0
EVENT_SCENARIOS = ["outage_single_window", "outage_single_window_dr", "typhoon_closure", "typhoon_closure_24h",
                   "peak_season_surge", "peak_season_first_peak"]


def event(kind: str, hours: float, ports: str = "all", params: str = "{}") -> str:
    return f'world.events=[{{kind: {kind}, start: "{START}", duration_h: {hours}, ports: {ports}, params: {params}}}]'


def settled(*overrides: str, whole: bool = False) -> tuple[pd.DataFrame, object]:
    """One smoke replication: every declaration as settled (port, channel, status, TRS stamps)
    and the quarterly table (``whole``: all the run's tables)."""
    d, result = settled_declarations(*overrides, truth=("port", "business_model"))
    return d.rename(columns={"business_model": "model"}), result if whole else result.quarterly


def inside(times: pd.Series, start: float, end: float) -> int:
    return int(((times >= start) & (times < end)).sum())


@pytest.fixture(scope="module")
def outage():
    return settled(event("system_outage", 8))


def test_nothing_is_lodged_screened_reviewed_or_released_while_the_system_is_down(outage):
    d, _ = outage
    end = T0 + 8
    assert inside(d["lodged"], T0, end) == 0, "no declaration is lodged while the customs system is down"
    assert inside(d["screened"], T0, end) == 0, "no automated screening while it is down"
    released = d[d["status"] != IN_PROCESS]["released"]
    assert inside(released, T0, end) == 0, "no release while it is down, green channel included"
    review = d[d["channel"] == CHANNELS.index("document")]["document_start"]
    assert inside(review, T0, end) == 0, "no electronic document review starts while it is down"
    assert (d["lodged"] == end).sum() > 30, "the declarations that could not be lodged are lodged when it is back"
    assert (d["released"] == end).sum() > 100, "green declarations waiting for the system are released at its return"
    scans = d[d["channel"] == CHANNELS.index("nii")]["nii_start"]
    assert inside(scans, T0, end) > 0, "scans go on during an outage"


def test_declarations_are_conserved_through_every_kind_of_event(outage):
    runs = {"system_outage": outage[1],
            "port_closure": settled(event("port_closure", 48, "[seaport]"))[1],
            "traffic_surge": settled(event("traffic_surge", 72, "[parcel_hub]", "{multiplier: 3}"))[1],
            "staff_shortage": settled(event("staff_shortage", 72, "all", "{absent_share: 0.5}"))[1]}
    for kind, q in runs.items():
        q = q.sort_values(["port", "quarter"])
        flow = q.in_process_start + q.declarations - q.released - q.seized
        assert (flow == q.in_process).all(), f"{kind}: in_process = start + declarations - released - seized"
        prev = q.groupby("port").in_process.shift()
        assert (q.in_process_start[prev.notna()] == prev[prev.notna()]).all(), f"{kind}: quarters chain"
        assert (q.in_process >= 0).all(), f"{kind}: nothing released twice"


def test_a_closed_port_receives_no_goods_and_starts_no_work():
    d, _ = settled(event("port_closure", 48, "[seaport]"))
    end, sea, other = T0 + 48, d[d["port"] == 0], d[d["port"] != 0]
    assert inside(sea["arrival"], T0, end) == 0, "no goods arrive at the closed seaport"
    assert (sea["arrival"] == end).sum() > 300, "about two days of arrivals come in when it reopens"
    for check in ("document", "nii", "physical"):
        started = sea[sea[f"{check}_end"] > sea[f"{check}_start"]][f"{check}_start"]  # checks that took place
        assert inside(started, T0, end) == 0, f"no {check} check starts at the closed seaport"
    assert inside(other["arrival"], T0, end) > 200, "the other ports go on receiving goods"


def test_failed_scanners_and_absent_officers_leave_the_queues():
    d, _ = settled(event("scanner_failure", 24))
    scans = d[(d["nii_end"] > d["nii_start"]) & (d["status"] != IN_PROCESS)]
    assert inside(scans["nii_start"], T0, T0 + 24) == 0, "no scan starts while every scanner is broken"
    assert inside(scans["nii_start"], T0 + 24, T0 + 48) > 0, "scans resume after the repair"
    d, _ = settled(event("staff_shortage", 24 * 7, "[seaport]", "{absent_share: 1, roles: [physical]}"))
    physical = d[(d["port"] == 0) & (d["physical_end"] > d["physical_start"])]["physical_start"]
    assert inside(physical, T0 + 4, T0 + 24 * 7) == 0, \
        "with every physical officer absent (after the cases in hand), no physical inspection starts"


def test_a_surge_adds_declarations_without_moving_anyone_elses_random_numbers():
    cfg, _ = load_config(["run=smoke", event("traffic_surge", 72, "[parcel_hub]",
                                             "{multiplier: 2, business_models: [cbec_9610]}")])
    plain, _ = load_config(["run=smoke"])
    seed = replication_seeds(cfg.run.seed, 1)[0]
    with_surge, without = SupervisionModel(cfg, seed), SupervisionModel(plain, seed)
    day = int(T0 // 24) + 1
    a, b = with_surge.source.draw_day(day), without.source.draw_day(day)
    for name in ("port", "enterprise", "arrival", "lodged", "value", "violation", "permit"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), f"the ordinary arrivals' {name} are the same"
    extra = with_surge.source.draw_surges(day)
    assert without.source.draw_surges(day) == [] and len(extra) == 1, "one surge, on its own streams"
    cbec = with_surge.population.model_names.index("cbec_9610")
    assert (extra[0].port == 3).all() and (extra[0].business_model == cbec).all(), \
        "extra declarations are CBEC 9610 at the parcel hub only"
    expected = 200 * 0.65 * (2 - 1)
    assert abs(len(extra[0]) - expected) < 4 * np.sqrt(expected), \
        f"a day of surge adds ~{expected:.0f} declarations (Poisson), got {len(extra[0])}"
    assert with_surge.source.draw_surges(int(T0 // 24) - 1) == [], "no extra declarations before the surge"


@pytest.fixture(scope="module")
def two_weeks():  # +60% CBEC 9610 at the parcel hub for two weeks: declarations and all tables
    return settled(event("traffic_surge", 24 * 14, "[parcel_hub]", "{multiplier: 1.6, business_models: [cbec_9610]}"),
                   whole=True)


def test_a_surge_changes_no_other_ports_arrivals_in_a_whole_run(two_weeks):
    _, base = settled()
    surge = two_weeks[1].quarterly
    b, s = (q.set_index(["port", "quarter"])["declarations"] for q in (base, surge))
    others = [p for p in b.index.get_level_values("port").unique() if p != "parcel_hub"]
    assert (b.loc[others] == s.loc[others]).all(), "common random numbers: other ports' arrivals are unchanged"
    added = int(s.loc[("parcel_hub", "2025Q1")] - b.loc[("parcel_hub", "2025Q1")])
    expected = 200 * 0.65 * 0.6 * 14
    assert abs(added - expected) < 4 * np.sqrt(expected), f"~{expected:.0f} extra 9610 declarations, got {added}"


def test_the_like_for_like_p90_of_a_surge_is_that_of_its_business_models_declarations(two_weeks):
    d, result = two_weeks
    row = result.events.iloc[0]
    cbec = list(load_config(["run=smoke"])[0].population.business_models).index("cbec_9610")
    done = d[(d["port"] == 3) & (d["status"] != IN_PROCESS) & np.isfinite(d["released"])]
    for phase, (a, b) in {"before": (T0 - 7 * 24, T0), "during": (T0, T0 + 336)}.items():
        arrived = done[(done["arrival"] >= a) & (done["arrival"] < b)]
        ours = arrived[arrived["model"] == cbec]
        for who, rows in (("", arrived), ("_models", ours),
                          ("_models_checked", ours[ours["channel"] != CHANNELS.index("green")])):
            took = rows["released"] - rows["arrival"]
            assert row[f"p90{who}_{phase}_h"] == pytest.approx(np.percentile(took, 90), rel=1e-12), \
                f"p90{who}_{phase}_h: the p90 of the {len(took)} released declarations that arrived {phase}"
    assert row["p90_models_during_h"] < row["p90_during_h"], "CBEC 9610 parcels are released sooner than the mix"


@pytest.mark.slow  # ~35 s: four smoke replications and two worker processes
@pytest.mark.parametrize("scenario", ["outage_single_window", "peak_season_surge"])
def test_event_runs_are_identical_with_one_or_two_workers(tmp_path, scenario):
    tables = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        assert main(["run", f"scenario={scenario}", "run=smoke", "run.replications=2", f"run.workers={workers}",
                     f"hydra.run.dir={out}"]) == 0, f"{scenario} runs with {workers} worker(s)"
        tables[workers] = {name: (out / name).read_bytes()
                           for name in ("quarterly.csv", "events.csv", "event_backlog.csv", "breakdown.csv")}
    for name in tables[1]:
        assert tables[1][name] == tables[2][name], f"{scenario}: {name} byte-identical at run.workers=1 and 2"


def test_runs_without_events_write_no_event_tables(tmp_path):
    out = tmp_path / "plain"
    assert main(["run", "run=smoke", f"hydra.run.dir={out}"]) == 0, "the baseline runs"
    assert not list(out.glob("event*")), "no events: no events.csv, no event_backlog.csv"


@pytest.mark.parametrize("name", EVENT_SCENARIOS)
def test_event_scenarios_state_their_question_and_compose(name):
    path = ROOT / "scenarios" / f"{name}.yaml"
    header = path.read_text().split("\n\n")[0]
    for part in ("Question:", "Rollout:", "Run: tradesim ", "Numbers:"):
        assert part in header, f"{path.name}: the header comment states {part!r}"
    cfg, _ = load_config([f"scenario={name}", "world.horizon_quarters=8"])
    assert len(cfg.world.events) == 1, f"{name} has its event"


def surge_run(multiplier: float):
    """One smoke replication of peak_season_surge at ``multiplier``: the parcel hub's document
    reviews (screened, review start) and the run's events and event_backlog tables."""
    d, result = settled("scenario=peak_season_surge", f"world.events.0.params.multiplier={multiplier}", whole=True)
    return d[(d["port"] == 3) & (d["channel"] == CHANNELS.index("document"))], result.events, result.event_backlog


SURGE_START, SURGE_END = 816.0, 816.0 + 336  # 2024-11-04 is 816 h after the smoke start 2024-10-01


@pytest.fixture(scope="module")
def surges():  # two smoke runs: ~15 s
    return {m: surge_run(m) for m in (1.6, 4.0)}


@pytest.mark.slow  # the surges fixture: two smoke runs
def test_the_measured_offered_load_of_a_surge_says_whether_its_queue_grows(surges):
    from sim.analysis.resilience import overload_lines
    waits = {}
    for m, (docs, events, _) in surges.items():
        row = events.iloc[0]
        assert row["busiest"] == "parcel_hub document", f"x{m}: document review is the parcel hub's busiest queue"
        wait = docs["document_start"] - docs["screened"]
        first = wait[(docs["screened"] >= SURGE_START) & (docs["screened"] < SURGE_START + 72)].mean()
        last = wait[(docs["screened"] >= SURGE_END - 72) & (docs["screened"] < SURGE_END)].mean()
        waits[m] = (row["offered_load"], first, last)
    (low, first16, last16), (high, first4, last4) = waits[1.6], waits[4.0]
    assert low < 0.7 and high >= 1, f"x1.6 loads document review below 1, x4 to 1 or more: {waits}"
    assert last4 > 2 * first4, f"at load {high:.2f} the document queue grows over the surge: {waits}"
    assert last16 < first16 + 3, f"at load {low:.2f} it does not: {waits}"
    lines = {m: overload_lines(e.assign(scenario="s")) for m, (_, e, _) in surges.items()}
    assert lines[1.6] == [], "no warning for the surge the queue absorbs"
    assert lines[4.0] == [f"s: parcel_hub document: offered load {high:.2f} >= 1 during traffic_surge double_11 "
                          "(2024-11-04T00:00, 336 h; measured, mean of 1 replication(s)): the queue grew while it "
                          "lasted"], "one line for the surge that overloads the queue"


@pytest.mark.slow  # the surges fixture
def test_the_p90_release_time_of_checked_declarations_rises_with_an_overloading_surge(surges):
    _, events, backlog = surges[4.0]
    before = backlog[backlog["hour"] < 0]["release_time_p90_checked_h"].mean()
    late = backlog[(backlog["hour"] >= 336 - 48) & (backlog["hour"] < 336)]["release_time_p90_checked_h"].mean()
    assert late > 2 * before, f"checked declarations wait in the growing queue: p90 {before:.1f} h -> {late:.1f} h"
    p90 = events.iloc[0]
    assert p90["p90_checked_during_h"] > p90["p90_checked_before_h"] + 5, \
        f"those arriving during the overload wait longer: {p90.filter(like='p90').to_dict()}"
    assert p90["p90_checked_after_h"] < p90["p90_checked_during_h"], f"and recover after: {p90.filter(like='p90')}"
    everyone = backlog["release_time_p90_h"].notna()
    assert (backlog.loc[everyone, "release_time_p90_checked_h"] >= 0).all(), "a p90 wherever releases happened"


def test_measured_loads_count_only_the_hours_servers_can_work():
    from sim.agents.schedule import Schedule
    cfg, _ = load_config(["run=smoke"])
    schedule = Schedule(cfg.world.ports, list(cfg.population.business_models))
    hub = list(cfg.world.ports).index("parcel_hub")  # 3 document officers, 8-22
    assert schedule.server_hours(hub, "document", 0, 48, 1) == 3 * 2 * 14, "two 14-hour days of 3 officers"
    schedule.close(hub, 24 + 8, 24 + 12)
    schedule.withdraw(hub, "document", 1, 0, 24)
    assert schedule.server_hours(hub, "document", 0, 48, 1) == 3 * 14 - 14 + 3 * 10, \
        "one officer absent the first day; closed 8-12 the second"


def test_the_overload_warning_names_each_event_whose_mean_measured_load_reaches_one():
    from sim.analysis.resilience import overload_lines
    events = pd.DataFrame({"scenario": "s", "event": ["peak", "peak", "calm", "calm", "closed"],
                           "kind": "traffic_surge", "start": "2024-11-04T00:00", "duration_h": 72.0,
                           "offered_load": [0.9, 1.2, 0.5, 0.7, np.nan],
                           "busiest": ["hub document", "hub document", "hub nii", "hub nii", ""]})
    assert overload_lines(events) == ["s: hub document: offered load 1.05 >= 1 during traffic_surge peak "
                                      "(2024-11-04T00:00, 72 h; measured, mean of 2 replication(s)): the queue "
                                      "grew while it lasted"], "the mean over replications decides; NaN warns not"


def test_p90_by_arrival_phase_takes_the_declarations_that_arrived_in_each_phase():
    from sim.resilience import phase_p90

    class Kind:
        def disruption_h(self, hours):
            return hours

    from sim.events import Event
    ev = Event(0, "e", Kind(), (0,), "p", start=200.0, duration_h=100.0, when="")
    arrival = np.repeat([50.0, 250.0, 470.0], 10)  # before, during, after: the last 48 h of the window 0..500
    took = np.tile(np.arange(1.0, 11.0), 3) * np.repeat([1.0, 3.0, 1.0], 10)
    checked = np.tile(np.arange(10) >= 5, 3)
    p90 = phase_p90(ev, arrival, arrival + took, np.ones(30, bool), checked, 0.0, 500.0)
    assert p90["p90_during_h"] == pytest.approx(3 * np.percentile(np.arange(1.0, 11.0), 90)), "x3 during"
    assert p90["p90_before_h"] == p90["p90_after_h"] == pytest.approx(9.1), "p90 of 1..10 before and after"
    assert p90["p90_checked_before_h"] == pytest.approx(np.percentile(np.arange(6.0, 11.0), 90)), "checked only"
