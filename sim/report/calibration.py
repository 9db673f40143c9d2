"""summary.md of ``tradesim calibrate``, ``validate``, ``sensitivity`` and the uncertainty section of
``tradesim compare ... uncertainty=K`` (Markdown from the saved tables)."""
from __future__ import annotations

import pandas as pd

from sim.report.render import md_table, num


def _ci(low, high) -> str:
    return f"{num(low)} – {num(high)}"


def validation_lines(table: pd.DataFrame) -> list[str]:
    """validation.csv as a Markdown table."""
    return md_table(["target", "reported", "simulated", "95% CI", "within"],
                    [[r.target, num(r.reported), num(r.simulated), _ci(r.lo, r.hi), "yes" if r.within else "no"]
                     for r in table.itertuples()])


def calibration_summary(search, number: int, tables: dict, presets: list[str]) -> str:
    """summary.md of a calibration: the best values, the fit table, the validation table, the presets."""
    fit = tables["fit"]
    best = tables["trials"].set_index("trial").loc[number]
    lines = [f"# Calibration: {search.targets.name}", "",
             f"{search.trials} trials (TPE, seed {search.seed}, batches of {search.batch}); best: trial {number}, "
             f"loss {best['loss']:.4g}; {int(fit['within'].sum())} of {len(fit)} targets within tolerance.", ""]
    lines += md_table(["parameter", "start", "calibrated", "declared range"],
                      [[p.name, num(s), num(best[p.name]), f"{p.low:g}-{p.high:g} {p.unit}"]
                       for p, s in zip(search.params, search.start)])
    lines += [""] + md_table(["target", "observed", "simulated", "95% CI", "tolerance", "within"],
                             [[r.target, num(r.observed), num(r.simulated), _ci(r.lo, r.hi), num(r.tolerance),
                               "yes" if r.within else "no"] for r in fit.itertuples()])
    if "validation" in tables:
        lines += ["", "Validation (reported pilot outcomes, not fitted), with the calibrated values:", "",
                  *validation_lines(tables["validation"])]
    lines += ["", "Presets: " + ", ".join(presets) + " (select with GROUP=<folder>/<file>)."]
    return "\n".join(lines) + "\n"


def sensitivity_summary(design: dict, outcome, what: str, table: pd.DataFrame) -> str:
    """summary.md of a sensitivity analysis: one row per parameter."""
    method = design["method"]
    cols = ["mu_star", "sigma"] if method == "morris" else ["S1", "S1_conf", "ST", "ST_conf"]
    lines = [f"# Sensitivity ({method}) of {outcome.metric}", "",
             f"Outcome: {what}, {outcome.metric} pooled over ports {outcome.ports} and quarters {outcome.quarters}; "
             f"{design['n']} {'trajectories' if method == 'morris' else 'base samples'}, seed {design['seed']}, "
             f"{len(design['params'])} parameters over their declared ranges.", ""]
    lines += md_table(["parameter", "mechanism", *cols],
                      [[r["parameter"], r["mechanism"], *(num(r[c]) for c in cols)] for _, r in table.iterrows()])
    return "\n".join(lines) + "\n"


def uncertainty_markdown(table: pd.DataFrame, k: int) -> str:
    """summary.md section of compare uncertainty=K: each effect with both intervals, labelled."""
    lines = ["", f"## Effects with parameter uncertainty ({k} parameter sets from calibration/parameters.yaml)", "",
             "Same centre (the nominal runs' paired mean); `replications`: the 95% CI over replications only; "
             "`replications+parameters`: it combined with the spread of the effect across the parameter sets.", ""]
    wide = table.pivot_table(index=["scenario", "metric", "port_group", "diff"], columns="interval",
                             values=["ci_low", "ci_high"], sort=False).reset_index()
    rows = [[r[("scenario", "")], r[("metric", "")], r[("port_group", "")], num(r[("diff", "")]),
             *(_ci(r[("ci_low", i)], r[("ci_high", i)]) for i in ("replications", "replications+parameters"))]
            for _, r in wide.iterrows()]
    lines += md_table(["scenario", "metric", "ports", "diff", "95% CI, replications",
                       "95% interval, replications+parameters"], rows)
    return "\n".join(lines) + "\n"
