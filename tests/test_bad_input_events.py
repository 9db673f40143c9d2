"""Bad disruption events (``world.events``): each is refused before any work with one line
naming the key and what is allowed (see tests/badinput.py), by ``tradesim run`` and by a
scenario file. The smoke horizon is 2024Q4-2025Q1 (2024-10-01 to 2025-04-01)."""
from __future__ import annotations

import pytest

from tests.badinput import refused

OK = '{kind: system_outage, start: "2025-03-04T09:00", duration_h: 8}'


def events(*entries: str) -> str:
    return f"world.events=[{', '.join(entries)}]"


def case(override, key, *allowed, id):
    return pytest.param(override, key, allowed, id=id)


CASES = [
    case(events('{kind: system_outag, start: "2025-03-04T09:00", duration_h: 8}'), "world.events[0].kind",
         "system_outage", "port_closure", "traffic_surge", id="unknown-kind"),
    case(events('{kind: system_outage, start: "2025-03-04T09:00"}'), "world.events[0].duration_h",
         "kind, start, duration_h", id="missing-duration"),
    case(events('{kind: port_closure, duration_h: 8}'), "world.events[0].start", "kind, start, duration_h",
         id="missing-start"),
    case(events('{kind: system_outage, strat: "2025-03-04T09:00", duration_h: 8}'), "world.events[0].strat",
         "start", id="misspelt-key"),
    case(events('{kind: system_outage, start: "2025-03-04 9am", duration_h: 8}'), "world.events[0].start",
         "ISO date and time", id="start-not-iso"),
    case(events('{kind: system_outage, start: "2025-13-04T09:00", duration_h: 8}'), "world.events[0].start",
         "ISO date and time", id="month-13"),
    case(events('{kind: system_outage, start: "2025-03-04T09:00+08:00", duration_h: 8}'), "world.events[0].start",
         "without a time zone", id="time-zone"),
    case(events('{kind: system_outage, start: "2025-06-04T09:00", duration_h: 8}'), "world.events[0].start",
         "inside the horizon", "2024-10-01", "2025-04-01", id="quarter-outside-horizon"),
    case(events('{kind: system_outage, start: "2024-09-30T20:00", duration_h: 8}'), "world.events[0].start",
         "inside the horizon", id="before-the-horizon"),
    case(events('{kind: port_closure, start: "2025-03-31T20:00", duration_h: 8}'), "world.events[0].start",
         "inside the horizon", id="runs-past-the-horizon"),
    case(events('{kind: system_outage, start: "2025-03-04T09:00", duration_h: -8}'), "world.events[0].duration_h",
         "(0, 8760]", id="negative-duration"),
    case(events('{kind: system_outage, start: "2025-03-04T09:00", duration_h: 0}'), "world.events[0].duration_h",
         "(0, 8760]", id="zero-duration"),
    case(events('{kind: system_outage, start: "2025-03-04T09:00", duration_h: long}'),
         "world.events[0].duration_h", "a number", id="duration-word"),
    case(events('{kind: port_closure, start: "2025-03-04T09:00", duration_h: 8, ports: [seaprt]}'),
         "world.events[0].ports", "seaport, airport, landport, parcel_hub", id="unknown-port"),
    case(events('{kind: port_closure, start: "2025-03-04T09:00", duration_h: 8, ports: []}'),
         "world.events[0].ports", "non-empty list", id="no-port"),
    case(events(OK, '{kind: port_closure, start: "2025-03-04T12:00", duration_h: 8, ports: seaport}'),
         "world.events[1]", "must not overlap", id="overlap-at-a-port"),
    case(events('{name: x, kind: port_closure, start: "2025-03-04T12:00", duration_h: 8, ports: seaport}',
                '{name: x, kind: port_closure, start: "2025-03-10T12:00", duration_h: 8, ports: seaport}'),
         "world.events[1].name", "own name", id="duplicate-name"),
    case(events('{kind: system_outage, start: "2025-03-04T09:00", duration_h: 8, params: {switchover: 1}}'),
         "world.events[0].params.switchover", "switchover_h", id="unknown-param"),
    case(events('{kind: system_outage, start: "2025-03-04T09:00", duration_h: 8, params: {switchover_h: -1}}'),
         "world.events[0].params.switchover_h", "[0, 720]", id="negative-switchover"),
    case(events('{kind: staff_shortage, start: "2025-03-04T09:00", duration_h: 8, params: {absent_share: 1.5}}'),
         "world.events[0].params.absent_share", "(0, 1]", id="absent-share-above-1"),
    case(events('{kind: staff_shortage, start: "2025-03-04T09:00", duration_h: 8, params: {roles: [cooks]}}'),
         "world.events[0].params.roles", "document, nii, physical", id="unknown-role"),
    case(events('{kind: scanner_failure, start: "2025-03-04T09:00", duration_h: 8, params: {scanners: 0}}'),
         "world.events[0].params.scanners", "[1, 1000]", id="zero-scanners-fail"),
    case(events('{kind: traffic_surge, start: "2025-03-04T09:00", duration_h: 8, params: {multiplier: 0.5}}'),
         "world.events[0].params.multiplier", "[1, 100]", id="surge-below-1"),
    case(events('{kind: traffic_surge, start: "2025-03-04T09:00", duration_h: 8, '
                'params: {business_models: [cbec_961]}}'), "world.events[0].params.business_models",
         "cbec_9610", id="unknown-business-model"),
    case(["scenario=outage_single_window", "world.events.0.start=2025-03-04T25:00"], "world.events[0].start",
         "ISO date and time", id="scenario-event-bad-hour"),
    case(["world.events=nothing"], "world.events", id="events-not-a-list"),
]


@pytest.mark.parametrize("override, key, allowed", CASES)
def test_bad_event_is_refused_before_any_work(capsys, tmp_path, override, key, allowed):
    overrides = override if isinstance(override, list) else [override]
    refused(capsys, tmp_path, ["run", "run=smoke", f"hydra.run.dir={tmp_path / 'out'}", *overrides], key, allowed)


def test_bad_event_in_a_scenario_file_is_refused(capsys, tmp_path):
    path = tmp_path / "my_outage.yaml"
    path.write_text('# @package _global_\nscenario: my_outage\nworld:\n  events:\n'
                    '    - {kind: system_outage, start: "2026-03-04T09:00", duration_h: 8}\n')
    refused(capsys, tmp_path, ["run", f"scenario={path}", "run=smoke", f"hydra.run.dir={tmp_path / 'out'}"],
            "world.events[0].start", ("inside the horizon",))
