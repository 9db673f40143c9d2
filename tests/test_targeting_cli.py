"""``tradesim targeting evaluate`` and ``replay`` end to end: on slices of the public customs data
(skipped when ../shared is absent), and every bad input refused in one line with nothing written."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sim.cli
from sim.compose import ROOT
from sim.learning.ranking import count_at
from tests.badinput import assert_one_line_error, refused
from tests.synthetic_declarations import make_declarations

DATA = ROOT.parent / "shared" / "data" / "customs-declarations"
needs_data = pytest.mark.skipif(not (DATA / "train.csv").is_file(), reason=f"public data set not found at {DATA}")
EVAL_COLUMNS = ["strategy", "auc", "precision_at_1", "precision_at_5", "precision_at_10", "recall_at_5",
                "revenue_recall_at_5"]


def tradesim(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = sim.cli.main(["targeting", *args])
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


@pytest.fixture(scope="module")
def public_slices(tmp_path_factory) -> dict[str, Path]:
    """The first 4,000 declarations of train.csv, 1,500 of valid.csv, and train.csv's first 5 weeks."""
    if not (DATA / "train.csv").is_file():
        pytest.skip(f"public data set not found at {DATA}")
    folder = tmp_path_factory.mktemp("public")
    train, valid = pd.read_csv(DATA / "train.csv", dtype=str), pd.read_csv(DATA / "valid.csv", dtype=str)
    paths = {"train": folder / "train.csv", "test": folder / "valid.csv", "weeks": folder / "weeks.csv"}
    train.iloc[:4000].to_csv(paths["train"], index=False)
    valid.iloc[:1500].to_csv(paths["test"], index=False)
    train[train["Date"] < "2020-02-05"].to_csv(paths["weeks"], index=False)
    return paths


@needs_data
def test_evaluate_on_public_slices_is_deterministic(capsys, tmp_path, public_slices):
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        rc, stdout, err = tradesim(capsys, "evaluate", f"train={public_slices['train']}",
                                   f"test={public_slices['test']}", f"hydra.run.dir={out}")
        assert rc == 0, f"evaluate failed: {err}"
        assert "gbm_revenue" in stdout and str(out) in stdout, f"prints the table and the folder: {stdout}"
    table = pd.read_csv(outs[0] / "targeting_eval.csv")
    assert list(table.columns) == EVAL_COLUMNS, f"columns exactly as documented: {list(table.columns)}"
    assert list(table["strategy"]) == ["random", "rules", "logistic", "gbm", "gbm_revenue"], table
    assert table[EVAL_COLUMNS[1:]].stack().between(0, 1).all(), f"every measure is a share: {table}"
    by = table.set_index("strategy")
    assert by.loc["gbm", "precision_at_5"] > by.loc["random", "precision_at_5"] + 0.2, \
        f"trained on 4,000 declarations, gbm beats random at 5% inspected: {by}"
    assert by.loc["gbm_revenue", "revenue_recall_at_5"] > by.loc["gbm", "revenue_recall_at_5"], \
        f"the revenue objective recovers more revenue: {by}"
    assert (outs[0] / "targeting_eval.csv").read_bytes() == (outs[1] / "targeting_eval.csv").read_bytes(), \
        "same files and seed, byte-identical targeting_eval.csv"


@needs_data
def test_replay_on_public_weeks_is_deterministic(capsys, tmp_path, public_slices):
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        rc, stdout, err = tradesim(capsys, "replay", f"data={public_slices['weeks']}", "k=5", "explore=0,0.1",
                                   "initial_weeks=3", "seed=3", f"hydra.run.dir={out}")
        assert rc == 0, f"replay failed: {err}"
    series = pd.read_csv(outs[0] / "replay.csv")
    assert sorted(series["explore"].unique()) == [0.0, 0.1] and list(series["week"].unique()) == [3, 4], \
        f"two arms, the weeks after the 3-week training window: {series[['arm', 'week']]}"
    assert list(series["selected"]) == [count_at(n, 0.05) for n in series["declarations"]], "5% of each week"
    assert series["precision"].between(0, 1).all() and (series["labelled"].diff().fillna(1) != 0).all(), \
        "precision is a share; each week learns the labels of what it selected"
    assert (outs[0] / "replay.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "the figure is a PNG"
    assert (outs[0] / "replay.csv").read_bytes() == (outs[1] / "replay.csv").read_bytes(), \
        "same file and seed, byte-identical replay.csv"


@pytest.fixture
def small_csv(tmp_path) -> Path:
    path = tmp_path / "inputs" / "declarations.csv"
    path.parent.mkdir()
    make_declarations(weeks=6, per_week=60).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("args, key, allowed", [
    (["evaluate", "train=missing.csv", "test=missing.csv"], "train", ("no such file",)),
    (["evaluate", "train={csv}"], "test", ("required",)),
    (["evaluate", "train={bad}", "test={csv}"], "train", ("Item Price", "Fraud")),
    (["evaluate", "train={csv}", "test={csv}", "folds=3"], "folds", ("train", "test", "seed")),
    (["evaluate", "train={csv}", "test={csv}", "seed=-1"], "seed", (">= 0",)),
    (["evaluate", "train"], "targeting", ("key=value",)),
    (["score", "data={csv}"], "targeting", ("evaluate", "replay")),
    (["replay", "data={csv}", "k=0"], "k", ("(0, 100]",)),
    (["replay", "data={csv}", "k=150"], "k", ("(0, 100]",)),
    (["replay", "data={csv}", "k=five"], "k", ("percent",)),
    (["replay", "data={csv}", "explore=0,1.5"], "explore", ("[0, 1]",)),
    (["replay", "data={csv}", "explore_by=bandit"], "explore_by", ("random", "uncertainty")),
    (["replay", "data={csv}", "strategy=xgb"], "strategy", ("gbm", "rules")),
    (["replay", "data={csv}", "initial_weeks=6"], "initial_weeks", ("6 week",)),
    (["replay", "data={bad}"], "data", ("lacks the column",)),
])
def test_bad_input_is_one_line_and_writes_nothing(capsys, tmp_path, small_csv, args, key, allowed):
    bad = small_csv.with_name("bad.csv")
    pd.read_csv(small_csv).drop(columns=["Item Price", "Fraud"]).to_csv(bad, index=False)
    work = tmp_path / "work"
    work.mkdir()
    args = [a.format(csv=small_csv, bad=bad) for a in args]
    refused(capsys, work, ["targeting", *args, f"hydra.run.dir={work / 'out'}"], key, allowed)


def test_an_existing_folder_is_never_overwritten(capsys, tmp_path, small_csv):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier results")
    rc, stdout, err = tradesim(capsys, "evaluate", f"train={small_csv}", f"test={small_csv}", f"hydra.run.dir={out}")
    assert_one_line_error(rc, stdout, err, "evaluate into a full folder", "hydra.run.dir", ("never overwritten",))
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"], "the folder is left as it was"
