"""`tradesim bench`'s table: rates on the same two scopes for both models, their ratios, and the
memory line (measured numbers come from the command itself, never from a timed test)."""
from __future__ import annotations

from sim.bench import table


def row(declarations, sim_cpu, cpu, wall, peak_mb, events):
    return {"declarations": declarations, "events": events, "sim_cpu": sim_cpu, "sim_wall": sim_cpu * 2, "cpu": cpu,
            "wall": wall, "peak_mb": peak_mb}


def test_the_table_gives_rates_and_ratios_on_the_same_scope():
    rows = {"tradesim": row(1_000_000, 2.0, 4.0, 5.0, 400, 1_500_000),
            "bare simpy": row(1_000_000, 8.0, 10.0, 12.5, 150, 14_000_000)}
    text = table(["world=national"], 3, rows, row(10_000_000, 20, 25, 30, 650, 1), 10, (0.5, 0.7))
    lines = text.splitlines()
    assert "median of 3 run(s)" in lines[1] and "load average 0.5" in lines[1], "repeats and load are stated"
    assert any(line.startswith("tradesim   simulation") and "500,000" in line for line in lines), \
        "tradesim's simulation rate: 1e6 declarations / 2 CPU-s"
    assert any(line.startswith("bare simpy end to end") and "100,000" in line and "14.00" in line for line in lines), \
        "bare's end-to-end rate (1e6 / 10 CPU-s) and its events per declaration"
    assert "simulation: 4.00 per CPU-second, 4.00 per wall second" in text, "the ratio on the simulation scope"
    assert "end to end: 2.50 per CPU-second, 2.50 per wall second" in text, "the ratio end to end"
    assert "world.scale=10 (10,000,000 declarations): peak 650 MB" in text, "the memory line"


def test_the_command_splits_its_options_from_the_overrides(monkeypatch, capsys):
    """`tradesim bench` reads repeats= and memory_scale= (defaults from sim.bench.OPTIONS) and passes
    every other key=value, scenario= included, to the config."""
    import sim.bench
    from sim.cli import main
    calls = []
    monkeypatch.setattr(sim.bench, "bench", lambda args, *options: calls.append((args, options)) or "table")
    assert main(["bench", "scenario=reform_2025", "repeats=2", "world.start=2025-01-01"]) == 0, "bench runs"
    assert calls == [(["scenario=reform_2025", "world.start=2025-01-01"], (2, sim.bench.OPTIONS["memory_scale"][0]))], \
        f"options apart, overrides (scenario= too) passed on: {calls}"
    assert capsys.readouterr().out.strip() == "table", "the table is printed"
