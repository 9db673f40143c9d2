"""A sweep's jobs as one tidy table: each job's rows tagged with the overrides that made it."""
from __future__ import annotations

import pandas as pd
import yaml

from sim.analysis.summary import summary_table


def override_values(overrides: list[str]) -> dict[str, object]:
    """``["run.seed=1", "world=national"]`` -> ``{"run.seed": 1, "world": "national"}``."""
    values = {}
    for override in overrides:
        key, _, text = override.partition("=")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            value = text
        values[key.lstrip("+~")] = value if isinstance(value, (int, float, str, bool)) else text
    return values


def sweep_tables(jobs: list[tuple[int, list[str], pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """From (job number, its overrides, its quarterly table): all quarterly rows with a ``job``
    column and one column per override, and ``sweep``: each job's headline metrics (mean and
    95% CI over its replications, all ports pooled) with the same columns."""
    rows, summaries, tag_columns = [], [], {"job": None}
    for job, overrides, quarterly in sorted(jobs, key=lambda j: j[0]):
        tags = {"job": job, **override_values(overrides)}
        tag_columns.update(dict.fromkeys(tags))
        rows.append(quarterly.assign(**tags))
        summaries.append(summary_table(quarterly).assign(**tags))
    tags_first = lambda table: table[[*tag_columns, *(c for c in table.columns if c not in tag_columns)]]
    return tags_first(pd.concat(rows, ignore_index=True)), tags_first(pd.concat(summaries, ignore_index=True))


def job_labels(quarterly: pd.DataFrame) -> pd.Series:
    """Per row of a sweep's concatenated table, the job it came from as a label, e.g.
    ``job 0: run.seed=1`` (the tag columns are those before ``scenario``)."""
    tags = list(quarterly.columns[1:list(quarterly.columns).index("scenario")])
    text = quarterly[tags].astype(str).apply(lambda row: ", ".join(f"{k}={v}" for k, v in row.items()), axis=1) \
        if tags else ""
    return "job " + quarterly["job"].astype(str) + (": " + text if tags else "")
