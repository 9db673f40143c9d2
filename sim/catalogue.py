"""What tradesim ships, described for people (``tradesim list``, ``tradesim run --help``): scenarios,
policies with their parameters, event kinds, experiments and config presets, each with its full description.

Descriptions come from the files themselves: a scenario's ``description``, an experiment's
``question``, a preset's opening comment (its first sentence, never cut), a policy's class
``description``, module docstring and ``Params`` (default, unit, range and doc of each field).
"""
from __future__ import annotations

import dataclasses
import re
import sys
import textwrap
from pathlib import Path

import yaml

from sim.compose import CONFIG_DIR, EXPERIMENT_DIR, SCENARIO_DIR

GROUPS = ("scenario", "world", "population", "policy", "run")
WIDTH = 100  # characters per printed line
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def opening_sentence(path: Path) -> str:
    """The first sentence of the comment block that opens a YAML file (Hydra directives and
    'Question:' labels left out), however many lines it spans."""
    words = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if text.startswith("@package"):
            continue
        if not text and words:
            break
        words.append(text.removeprefix("Question:").strip())
    return SENTENCE_END.split(" ".join(w for w in words if w), maxsplit=1)[0]


def defaults() -> dict[str, str]:
    """Group -> the option the root config selects by default."""
    root = yaml.safe_load((CONFIG_DIR / "config.yaml").read_text())
    return {k: v for item in root["defaults"] if isinstance(item, dict) for k, v in item.items()
            if not k.startswith("override")}


def options(group: str) -> list[tuple[str, str]]:
    """(option, description) of every preset of a config group (scenarios: their description line)."""
    out = []
    for path in sorted((CONFIG_DIR / group).glob("*.yaml")):
        data = yaml.safe_load(path.read_text()) or {} if group == "scenario" else {}
        out.append((path.stem, data.get("description") or opening_sentence(path)))
    return out


def experiments() -> list[tuple[str, str]]:
    """(name, question) of every shipped experiment."""
    out = []
    for path in sorted(EXPERIMENT_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text()) or {}
        out.append((path.stem, " ".join(str(data.get("question") or opening_sentence(path)).split())))
    return out


def policies() -> list[tuple[str, str]]:
    from sim.policies import REGISTRY
    return [(name, cls.description) for name, cls in sorted(REGISTRY.items())]


def event_kinds() -> list[tuple[str, str]]:
    from sim.events import REGISTRY
    return [(name, cls.description) for name, cls in sorted(REGISTRY.items())]


def entry(name: str, text: str, indent: int = 2, column: int = 28) -> str:
    """``name`` and its full description, wrapped, with a hanging indent."""
    head = f"{' ' * indent}{name:<{column}} "
    if len(head) > indent + column + 1:  # a long name: the text starts on the next line
        head = f"{head.rstrip()}\n{' ' * (indent + column + 1)}"
    return textwrap.fill(text, WIDTH, initial_indent=head, subsequent_indent=" " * (indent + column + 1),
                         break_on_hyphens=False, replace_whitespace=True) if text else head.rstrip()


def section(title: str, rows: list[tuple[str, str]], marked: str | None = None) -> list[str]:
    return [title, *(entry(name + (" (default)" if name == marked else ""), text) for name, text in rows)]


def catalogue(what: str = "all") -> str:
    """The listing of ``what``: scenarios, policies, experiments, presets or all of them."""
    chosen = defaults()
    parts = {
        "scenarios": section("scenarios (scenario=NAME, or scenario=path/to/your.yaml):", options("scenario"),
                             chosen.get("scenario")),
        "policies": section("policies (policy.KEY: {params, rollout}; tradesim list policies NAME for the "
                            "parameters):", policies()),
        "events": section("event kinds (world.events: [{kind: NAME, start:, duration_h:, ports:, params:}]; "
                          "docs/events.md):", event_kinds()),
        "experiments": section("experiments (tradesim compare experiment=NAME, or experiment=path/to/your.yaml):",
                               experiments()),
        "presets": [line for group in GROUPS[1:] for line in
                    section(f"{group} presets ({group}=NAME):", options(group), chosen.get(group))],
    }
    keys = list(parts) if what == "all" else [what]
    return "\n".join(line for key in keys for line in parts[key])


def _bound(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) and abs(value) < 1e9 else f"{value:.3g}"


def _range(meta: dict) -> str:
    lo, hi = meta.get("lo"), meta.get("hi")
    if meta.get("choices"):
        return "one of " + ", ".join(map(str, meta["choices"]))
    if lo is None and hi is None:
        return ""
    left = "(" if meta.get("open_lo") else "["
    return f"{left}{'-inf' if lo is None else _bound(lo)}, {'inf' if hi is None else _bound(hi)}]"


def _value(value) -> str:
    if dataclasses.is_dataclass(value):  # a group of parameters, e.g. targeting's fairness
        value = dataclasses.asdict(value)
    return yaml.safe_dump(value, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()


def policy_detail(name: str) -> str:
    """A policy's description, what it models (its module docstring), where it sits in the order
    of application, and every parameter with default, unit, range and doc."""
    from sim.policies import ORDER, REGISTRY
    cls = REGISTRY[name]
    doc = " ".join((sys.modules[cls.__module__].__doc__ or "").split())
    used = [stem for stem, _ in options("scenario")
            if re.search(rf"(^|\s){name}:|name: {name}\b", (SCENARIO_DIR / f"{stem}.yaml").read_text(), re.M)]
    lines = [f"{name}: {cls.description}", "", *textwrap.wrap(doc, WIDTH), "",
             f"Applies in position {ORDER.index(name) + 1} of {len(ORDER)} (sim.policies.ORDER). Used by the "
             f"scenarios: {', '.join(used) or 'none'}.", "",
             f"parameters (policy.KEY.params.NAME, where policy.KEY is {name} or has name: {name}):"]
    for f in dataclasses.fields(cls.Params):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        unit, bounds = f.metadata.get("unit", ""), _range(f.metadata)
        facts = "; ".join(x for x in (unit and f"unit: {unit}", bounds and f"range: {bounds}") if x)
        lines.append(f"  {f.name} = {_value(default)}" + (f"   ({facts})" if facts else ""))
        lines += textwrap.wrap(f.metadata.get("doc", ""), WIDTH, initial_indent=" " * 6, subsequent_indent=" " * 6)
    lines += ["", "example (a pilot at seaport from 2025Q1, other parameters at their defaults):",
              f"  tradesim run '+policy.my_{name}={{name: {name}, params: {{}}, rollout: {{from: 2025Q1, "
              f"ports: [seaport]}}}}'"]
    return "\n".join(lines)
