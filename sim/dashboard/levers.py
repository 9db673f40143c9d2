"""A scenario's levers: the parameters of the policies its file sets, with the ranges, units and
documentation their ``Params`` declare, and the check of a setting, which is the one
``tradesim compare`` makes (same message, nothing started on a mistake)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from sim.compose import ROOT, load_config
from sim.config import ConfigError
from sim.experiments import definitions
from sim.policies.base import REGISTRY
from sim.userfiles import read_yaml

KINDS = {"float": float, "int": int, "bool": bool}  # lever types a control can set (dicts and free text cannot)
TRIAL_WORLDS = {  # the worlds a trial can run in: name -> overrides (the presets of configs/run)
    "smoke (2 quarters, seconds per replication)": ["run=smoke"],
    "default world (2024Q1-2025Q4, minutes per replication)": [],
}


NO_WATCH = "(none)"


@dataclass(frozen=True)
class Lever:
    """One policy parameter a control sets: ``policy.<key>.params.<name>``."""
    key: str
    name: str
    kind: str  # float | int | bool
    value: object
    lo: float | None
    hi: float | None
    unit: str
    doc: str

    @property
    def path(self) -> str:
        return f"policy.{self.key}.params.{self.name}"

    @property
    def label(self) -> str:
        bounds = f" [{self.lo:g}, {self.hi:g}]" if self.lo is not None and self.hi is not None else ""
        return f"{self.key}: {self.name}{bounds}{' ' + self.unit if self.unit else ''}"


def scenarios() -> list[str]:
    """The scenarios of ``scenarios/`` other than the baseline."""
    return sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml") if p.stem != definitions.BASELINE)


def levers(scenario: str) -> list[Lever]:
    """The settable parameters of every policy the scenario's file sets, at the scenario's values."""
    own = read_yaml(ROOT / "scenarios" / f"{scenario}.yaml", "scenario file").get("policy") or {}
    cfg, _ = load_config([f"scenario={scenario}"])
    out = []
    for key in own:
        spec = cfg.policy[key]
        params = dataclasses.fields(REGISTRY[spec.get("name") or key].Params)
        given = spec.get("params") or {}
        for f in params:
            kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
            if kind in KINDS:
                meta = f.metadata
                out.append(Lever(key, f.name, kind, given.get(f.name, f.default), meta.get("lo"), meta.get("hi"),
                                 meta.get("unit", ""), meta.get("doc", "")))
    return out


def ports() -> list[str]:
    """The ports of the default world (those a trial can watch)."""
    return list(load_config([])[0].world.ports)


def watching(port: str, week: int) -> list[str]:
    """The overrides that watch ``port`` hour by hour through ``week`` (none for :data:`NO_WATCH`)."""
    return [] if port == NO_WATCH else [f"run.watch_port={port}", f"run.watch_week={week}"]


def experiment(scenario: str, changed: dict[str, object], world: list[str], replications: int) -> dict:
    """The experiment file of a trial: the scenario with the changed levers against the baseline."""
    return {"name": "dashboard_trial", "question": f"{scenario} with {changed or 'its own settings'}",
            "scenarios": [scenario], "replications": replications, "overrides": list(world),
            "grid": {path: [value] for path, value in changed.items()}}


def check_trial(data: dict) -> None:
    """Every check ``tradesim compare`` makes before it runs (experiment, then each run's config).

    Raises:
        ConfigError: The mistake, as the one line the CLI prints after ``tradesim: error:``.

    """
    exp = definitions.parse_experiment(data, "dashboard")
    definitions.check_scenarios(exp, ROOT / "scenarios")
    replications = [f"run.replications={exp.replications}"] if exp.replications else []
    for own in definitions.variants(exp).values():
        load_config([*own, *replications])


def message(exc: ConfigError) -> str:
    """The line the CLI prints for ``exc``."""
    return f"tradesim: error: {exc}"


def write_experiment(data: dict, folder: Path) -> Path:
    """Save the trial's experiment file (data) in ``folder``; return its path."""
    import yaml
    path = Path(folder) / "experiment.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
