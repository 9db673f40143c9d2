"""An experiment's goal (``goal:`` in its file): which variants reach a level of a metric, or
which comes closest, with the metrics that explain it alongside (from comparison.csv)."""
from __future__ import annotations

import pandas as pd

from sim.figures import quarters_sorted
from sim.report.render import md_table, num


def goal_table(comparison: pd.DataFrame, goal, drivers: list[str]) -> pd.DataFrame:
    """One row per variant: the goal metric and ``drivers`` in the last quarter at the goal's port
    group (``all`` where a variant has none), the baseline's value, and whether it reaches the goal."""
    last = quarters_sorted(q for q in comparison["quarter"].unique() if q != "all")[-1]
    rows = comparison[(comparison["quarter"].astype(str) == last)]
    rows = rows[rows["metric"].isin([goal.metric, *drivers])]
    out = []
    for variant, part in rows.groupby("scenario", sort=False):
        groups = set(part["port_group"])
        group = goal.port_group if goal.port_group in groups else "all"
        values = part[part["port_group"] == group].set_index("metric")
        row = {"variant": variant, "ports": group, "quarter": last, "baseline": values.at[goal.metric, "baseline_mean"],
               goal.metric: values.at[goal.metric, "scenario_mean"]}
        row.update({m: values.at[m, "scenario_mean"] for m in drivers if m in values.index and m != goal.metric})
        out.append(row)
    table = pd.DataFrame(out)
    if table.empty:
        return table
    table["reached"] = table[goal.metric] >= goal.at_least
    return table.sort_values(goal.metric, ascending=False, ignore_index=True)


def goal_section(comparison: pd.DataFrame, goal, drivers: list[str]) -> str:
    """The summary's Markdown section on the goal."""
    table = goal_table(comparison, goal, drivers)
    head = f"## Goal: {goal.metric} at least {goal.at_least:g}"
    if table.empty:
        return f"{head}\n\nNo variant besides the baseline to judge."
    reached = table.loc[table["reached"], "variant"].tolist()
    best = table.iloc[0]
    said = (f"Reached by {', '.join(reached)}." if reached else
            f"No variant reaches it; the closest is {best['variant']} with {num(best[goal.metric])} "
            f"(baseline {num(best['baseline'])}) at {best['ports']} ports in {best['quarter']}: the columns "
            "beside it show what still holds it back.")
    cols = [c for c in table.columns if c != "quarter"]
    cells = [[num(r[c]) if isinstance(r[c], float) else ("yes" if r[c] is True else "no" if r[c] is False else r[c])
              for c in cols] for _, r in table.iterrows()]
    return "\n".join([head, "", said, "", *md_table(cols, cells)])
