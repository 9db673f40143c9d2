"""The Solara page of ``tradesim dashboard``: explore a results folder, try a setting.

Started by :mod:`sim.cli.dashboard` (``solara run sim.dashboard.app``), which passes the folder to
open and the parent of new trial folders in ``TRADESIM_DASHBOARD_FOLDER`` and
``TRADESIM_DASHBOARD_OUT``. Charts are the report's figures as PNG (Okabe-Ito colours, labels
with units), next to the rows they are drawn from.

matplotlib (with :mod:`sim.dashboard.explore`) is imported only when the first chart is drawn:
at start-up Solara replaces matplotlib's rcParams with per-session copies if matplotlib is
loaded, and style sheets then set unvalidated strings (``figure.figsize: "6.3, 3.6"``), so the
report's figures could not be drawn. Charts are drawn one at a time (the style is global state).
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import solara
import solara.lab

from sim.config import ConfigError
from sim.dashboard import levers
from sim.dashboard.trial import Trial

folder_path = solara.reactive(os.environ.get("TRADESIM_DASHBOARD_FOLDER", ""))
TRIALS = Path(os.environ.get("TRADESIM_DASHBOARD_OUT", "results/dashboard"))
NUMBER = "{:.10g}".format  # table cells: enough digits to check a chart against its CSV
DRAWING = threading.Lock()


def charts():
    """:mod:`sim.dashboard.explore`, imported when first needed (see the module's docstring)."""
    from sim.dashboard import explore
    return explore


def draw_png(make) -> bytes:
    """The PNG ``tradesim report`` saves for the figure ``make()`` draws."""
    with DRAWING:
        return charts().png(make())


def table_html(rows) -> str:
    return rows.to_html(index=False, classes="chart-data", float_format=NUMBER, na_rep="")


@solara.component
def Chart(name: str, figure, rows, key: tuple) -> None:
    """A figure as PNG with its rows below, both downloadable; redrawn when ``key`` changes."""
    image = solara.use_memo(lambda: draw_png(figure), dependencies=[name, *key])
    solara.Image(image, width="860px", classes=[f"chart-{name}"])
    with solara.Row():
        solara.FileDownload(image, filename=f"{name}.png", label="PNG")
        if rows is not None:
            solara.FileDownload(rows.to_csv(index=False), filename=f"{name}.csv", label="CSV",
                                mime_type="text/csv")
    if rows is not None:
        with solara.Details("Data of this chart", expand=True):
            solara.HTML(tag="div", unsafe_innerHTML=table_html(rows), classes=[f"data-{name}"],
                        style="overflow-x: auto")


@solara.component
def Explore() -> None:
    solara.InputText("Results folder (run, sweep or comparison)", value=folder_path, classes=["folder"])
    loaded = solara.use_memo(lambda: _open(folder_path.value), dependencies=[folder_path.value])
    if isinstance(loaded, str):
        solara.Error(loaded, classes=["folder-error"])
    else:
        ExploreFolder(loaded)


@solara.component
def ExploreFolder(loaded) -> None:
    """Scenario, metric and port-group pickers; the effect chart and its rows; the quarterly series."""
    scenario = solara.use_reactive(loaded.scenarios[0] if loaded.scenarios else None)
    metric = solara.use_reactive(loaded.metrics[0])
    group = solara.use_reactive("pilot" if "pilot" in loaded.port_groups else loaded.port_groups[0])
    with solara.Columns([1, 3]):
        with solara.Column():
            solara.Select("Scenario", values=loaded.scenarios, value=scenario, classes=["pick-scenario"])
            solara.Select("Metric", values=loaded.metrics, value=metric, classes=["pick-metric"])
            solara.Select("Ports", values=loaded.port_groups, value=group, classes=["pick-ports"])
            solara.Text(f"{len(loaded.tables)} tables in {loaded.path.name}: {', '.join(loaded.tables)}",
                        style={"font-size": "0.8em"})
        with solara.Column():
            if "comparison" in loaded.tables and scenario.value in loaded.scenarios:
                solara.Markdown(f"### Effect of {scenario.value} on {metric.value} ({group.value} ports)")
                rows = charts().effect_rows(loaded, scenario.value, metric.value, group.value)
                Chart("effect", lambda: charts().effect_figure(loaded, scenario.value, metric.value, group.value),
                      rows, (loaded.path, scenario.value, metric.value, group.value))
            if "quarterly" in loaded.tables and metric.value in loaded.tables["quarterly"]:
                solara.Markdown(f"### {metric.value} by quarter, pilot and control ports")
                Chart("series", lambda: charts().series_figure(loaded, scenario.value, metric.value), None,
                      (loaded.path, scenario.value, metric.value))
            ReportFigures(loaded)


@solara.component
def ReportFigures(loaded) -> None:
    """Any figure of ``tradesim report`` for this folder."""
    figures = solara.use_memo(lambda: charts().report_figures(loaded), dependencies=[loaded])
    chosen = solara.use_reactive(next(iter(figures), None))
    if not figures:
        return
    solara.Select("Report figure", values=list(figures), value=chosen, classes=["pick-figure"])
    if chosen.value in figures:
        title, draw = figures[chosen.value]
        solara.Markdown(f"### {title}")
        Chart(chosen.value, draw, None, (loaded.path,))


@solara.component
def WatchPort() -> None:
    """The week a run watched (run.watch_port), hour by hour, for the chosen scenario."""
    tables = solara.use_memo(lambda: charts().watch_tables(Path(folder_path.value)) if folder_path.value else {},
                             dependencies=[folder_path.value])
    chosen = solara.use_reactive(None)
    if not tables:
        solara.Info("This folder watched no port. Run with run.watch_port=PORT run.watch_week=N (or choose a port "
                    "to watch under 'Try a setting') to record one week hour by hour.", classes=["watch-none"])
        return
    label = chosen.value if chosen.value in tables else next(iter(tables))
    solara.Select("Scenario", values=list(tables), value=label, on_value=chosen.set, classes=["watch-scenario"])
    Chart("week", lambda: charts().week_figure(tables[label]), tables[label], (folder_path.value, label))


def _open(path: str):
    try:
        return charts().open_folder(Path(path))
    except (FileNotFoundError, OSError, ValueError) as exc:
        return str(exc).splitlines()[0] if path else "Give the path of a results folder."


@solara.component
def LeverControl(lever: levers.Lever, values) -> None:
    """A validated control for one lever (range and unit in its label, documentation below)."""
    value = values.value.get(lever.path, lever.value)
    set_value = lambda v: values.set({**values.value, lever.path: v})  # noqa: E731
    if lever.kind == "bool":
        solara.Checkbox(label=lever.label, value=bool(value), on_value=set_value)
    elif lever.kind == "int":
        solara.InputInt(lever.label, value=value, on_value=set_value, classes=[f"lever-{lever.name}"])
    else:
        solara.InputFloat(lever.label, value=value, on_value=set_value, classes=[f"lever-{lever.name}"])
    solara.Text(lever.doc, style={"font-size": "0.8em", "color": "#444"})


@solara.component
def TrySetting() -> None:
    scenario = solara.use_reactive(levers.scenarios()[0])
    world = solara.use_reactive(next(iter(levers.TRIAL_WORLDS)))
    replications = solara.use_reactive(2)
    watch_port, watch_week = solara.use_reactive(levers.NO_WATCH), solara.use_reactive(1)
    values = solara.use_reactive({})
    error, trial = solara.use_reactive(""), solara.use_reactive(None)
    own = solara.use_memo(lambda: levers.levers(scenario.value), dependencies=[scenario.value])
    ports = solara.use_memo(levers.ports, dependencies=[])
    def start() -> None:
        if trial.value is not None and trial.value.returncode is None:
            return  # one trial at a time
        changed = {k: v for k, v in values.value.items() if any(k == lv.path and v != lv.value for lv in own)}
        overrides = [*levers.TRIAL_WORLDS[world.value], *levers.watching(watch_port.value, watch_week.value)]
        data = levers.experiment(scenario.value, changed, overrides, replications.value)
        try:
            if not 1 <= replications.value <= 3:
                raise ConfigError(f"run.replications: a trial runs 1 to 3 replications; got {replications.value}")
            levers.check_trial(data)
        except ConfigError as exc:
            error.set(levers.message(exc))
            return
        error.set("")
        TRIALS.mkdir(parents=True, exist_ok=True)
        trial.set(Trial(data, TRIALS / f"{scenario.value}_{time.strftime('%Y-%m-%d_%H-%M-%S')}"))

    with solara.Columns([1, 2]):
        with solara.Column():
            solara.Select("Scenario", values=levers.scenarios(), value=scenario,
                          on_value=lambda _: values.set({}), classes=["trial-scenario"])
            solara.Select("World", values=list(levers.TRIAL_WORLDS), value=world, classes=["trial-world"])
            solara.InputInt("Replications (1-3)", value=replications, classes=["trial-replications"])
            with solara.Row():
                solara.Select("Watch a port", values=[levers.NO_WATCH, *ports], value=watch_port,
                              classes=["trial-watch-port"])
                solara.InputInt("week", value=watch_week, classes=["trial-watch-week"])
            solara.Button("Run against the baseline", on_click=start, color="primary", classes=["trial-run"])
            if error.value:
                solara.Error(error.value, classes=["trial-error"])
            if trial.value is not None:
                Progress(trial.value)
        with solara.Column():
            solara.Markdown("Levers of this scenario (ranges and units from the policy's parameters; "
                            "the baseline runs on the same random numbers):")
            with solara.GridFixed(columns=2):
                for lever in own:
                    with solara.Column(gap="0px"):
                        LeverControl(lever, values)
            if not own:
                solara.Info("This scenario's policies have no numeric or on/off parameters to set.")


@solara.component
def Progress(trial: Trial) -> None:
    """Progress bar and cancel button of a running trial; its folder when it ends."""
    tick = solara.use_reactive(0)

    def poll(cancelled: threading.Event) -> None:
        while trial.returncode is None and not cancelled.is_set():
            time.sleep(0.5)
            tick.set(tick.value + 1)
        tick.set(tick.value + 1)

    solara.use_thread(poll, dependencies=[trial])
    code, done = trial.returncode, trial.done()
    if code is None:
        solara.ProgressLinear(100 * done / trial.total)
        solara.Text(f"{done} of {trial.total} replications finished", classes=["trial-progress"])
        solara.Button("Cancel", on_click=trial.cancel, classes=["trial-cancel"])
    elif code == 0:
        solara.Success(f"finished: {trial.folder}", classes=["trial-done"])
        solara.Button("Explore these results", on_click=lambda: folder_path.set(str(trial.folder)))
    else:
        solara.Error(f"stopped (exit code {code}): " + (trial.output().strip().splitlines() or [""])[-1],
                     classes=["trial-stopped"])


@solara.component
def Page() -> None:
    solara.Title("tradesim dashboard")
    with solara.Column(style={"max-width": "1240px"}):
        with solara.lab.Tabs():
            with solara.lab.Tab("Explore results"):
                Explore()
            with solara.lab.Tab("Watch a port"):
                WatchPort()
            with solara.lab.Tab("Try a setting"):
                TrySetting()
