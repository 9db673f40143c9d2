"""A tiny world for calibration and sensitivity tests: one quarter (2024Q4) after a week of warm-up,
four ports with a tenth of the default traffic, 300 traders, one replication; about a second a run."""
from __future__ import annotations

TINY = ["world.start=2024-10-01", "world.horizon_quarters=1", "world.warmup_days=7", "run.replications=1",
        "run.progress=false", "run.agent_snapshots=false", "world.ports.seaport.declarations_per_day=30",
        "world.ports.airport.declarations_per_day=20", "world.ports.landport.declarations_per_day=15",
        "world.ports.parcel_hub.declarations_per_day=20", "population.enterprises=300"]
# the same with a pilot quarter: 2024Q4 before the 2025Q1 rollouts of scenarios/, 2025Q1 under them
TINY_PILOT = [*(o for o in TINY if not o.startswith("world.horizon_quarters")), "world.horizon_quarters=2"]
