"""Calibration and sensitivity figures, from the tables ``tradesim calibrate`` and
``tradesim sensitivity`` write (``fit.csv``, ``trials.csv``, ``sensitivity.csv``)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.figures.styling import OKABE_ITO, WIDTH, styled
from sim.figures.tables import label


@styled
def calibration_fit(fit: pd.DataFrame, trials: pd.DataFrame) -> Figure:
    """Left: each trial's loss and the best so far. Right: each target's distance from the observed
    figure in tolerances, (simulated - observed) / tolerance with its 95% CI; the band is +-1."""
    fig = Figure(figsize=(WIDTH, 0.9 + 0.35 * max(len(fit), 5)), layout="constrained")
    history, targets = fig.subplots(1, 2, width_ratios=(1, 1.3))
    history.scatter(trials["trial"], trials["loss"], s=10, color="0.55", label="trial", gid="trials")
    history.step(trials["trial"], trials["best_so_far"], where="post", color=OKABE_ITO[0], label="best so far",
                 gid="best")
    history.set_yscale("log")
    history.set_xlabel("trial")
    history.set_ylabel("loss (sum of squared tolerances)")
    history.legend(loc="upper right")
    tol = fit["tolerance"].to_numpy(float)
    z = (fit["simulated"].to_numpy(float) - fit["observed"].to_numpy(float)) / tol
    low = (fit["simulated"] - fit["lo"]).to_numpy(float) / tol
    high = (fit["hi"] - fit["simulated"]).to_numpy(float) / tol
    y = -np.arange(len(fit))
    targets.axvspan(-1, 1, color="0.9", gid="tolerance")
    targets.axvline(0, color="0.3", lw=0.8)
    colours = [OKABE_ITO[2] if w else OKABE_ITO[3] for w in fit["within"].astype(bool)]
    targets.errorbar(z, y, xerr=np.nan_to_num(np.clip([low, high], 0, None)), fmt="none", ecolor="0.4")
    targets.scatter(z, y, color=colours, zorder=3, gid="targets")
    targets.set_yticks(y, fit["target"])
    targets.set_xlabel("(simulated - observed) / tolerance")
    return fig


@styled
def sensitivity_bars(table: pd.DataFrame, method: str, metric: str, effect: str) -> Figure:
    """Tornado of the parameters, most influential on top: Morris mu* with sigma, or Sobol S1 and ST
    with their 95% confidence intervals."""
    key = "mu_star" if method == "morris" else "ST"
    table = table.sort_values(key, ascending=True, kind="stable")
    fig = Figure(figsize=(WIDTH, 0.9 + 0.22 * len(table)), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(table))
    if method == "morris":
        ax.barh(y, table["mu_star"], color=OKABE_ITO[0], label="mu* (mean |elementary effect|)", gid="mu_star")
        ax.scatter(table["sigma"], y, color=OKABE_ITO[1], zorder=3, label="sigma (interactions, non-linearity)",
                   gid="sigma")
        title, unit, _ = label(metric)
        ax.set_xlabel(f"{effect} on {title.lower()} ({unit}), over each declared range")
    else:
        for offset, name, colour in ((-0.2, "S1", OKABE_ITO[0]), (0.2, "ST", OKABE_ITO[1])):
            ax.barh(y + offset, table[name], height=0.38, xerr=table[f"{name}_conf"], color=colour,
                    label=f"{name} ({'first order' if name == 'S1' else 'total'})", gid=name)
        ax.set_xlabel(f"share of the variance of the {effect} on {label(metric)[0].lower()}")
    ax.set_yticks(y, table["parameter"])
    ax.legend(loc="lower right")
    return fig
