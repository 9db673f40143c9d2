"""One port through one week, hour by hour: queues and busy servers by role (the ``watch`` table)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.figures.styling import OKABE_ITO, WIDTH, styled

ROLE_NAMES = {"document": "document review officers", "nii": "NII image analysts",
              "physical": "physical inspection officers", "scanner": "NII scanners"}


@styled
def port_week(watch: pd.DataFrame) -> Figure:
    """Requests waiting and share of servers busy, per role, at each hour of the watched week.

    Args:
        watch: The ``watch`` table of one replication (one port, one week: hour x role).

    Returns:
        Two panels sharing the hour axis (days marked), one line per role (gid ``queued`` and ``busy``).

    """
    fig = Figure(figsize=(WIDTH, 4.2), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    for colour, (role, part) in zip(OKABE_ITO, watch.groupby("role", sort=False)):
        part = part.sort_values("hour")
        name = ROLE_NAMES.get(role, role)
        top.step(part["hour"], part["queued"], where="post", color=colour, label=name, gid="queued")
        share = 100 * part["busy"] / part["servers"].where(part["servers"] > 0)
        bottom.step(part["hour"], share, where="post", color=colour, gid="busy")
    top.set_ylabel("waiting\n(requests)")
    bottom.set_ylabel("busy\n(% of servers)")
    bottom.set_ylim(0, 105)
    days = np.arange(0, 169, 24)
    bottom.set_xticks(days, [f"day {d // 24 + 1}" if d < 168 else "" for d in days])
    bottom.set_xlim(0, 168)
    first = watch.iloc[0]
    week = int(first["hour_from_start"] // 168) + 1
    top.set_title(f"{first['port']}, week {week} (hourly, replication {first['replication']})")
    fig.legend(*top.get_legend_handles_labels(), loc="outside lower center", ncols=2)
    return fig
