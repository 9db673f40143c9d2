"""The policy mechanism: the :class:`Policy` base with its hooks, the registry, and rollouts.

A policy is one class in one file, registered by name with :func:`register`; its parameters
are a dataclass (``Params``) with defaults, units and ranges, validated like the rest of the
config. A :class:`Rollout` says where and when it applies (``from``/``until`` quarter, ``ports``,
optional ``waves``); hooks receive a :class:`Context` whose ``on`` mask marks the declarations
the rollout covers (see :meth:`PolicyStack.screen`), so a policy never looks at dates itself.
Policies apply in the one order of :data:`sim.policies.ORDER`.

Hooks, each optional: ``prevent`` (a would-be violation does not happen: traceability,
classification help) and ``lodge`` (where the trader lodges changes when it can: local
declaration) run before the truth is frozen; ``screen`` writes the day's
:class:`~sim.records.Screening` (check probabilities, audit, flags) — the only record a policy
writes; ``on_outcome`` sees outcomes when they become known on the clock (a release or a
seizure), ``on_audit`` a post-clearance audit's report when it comes; ``on_quarter`` runs at each
quarter start.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from sim.calendar import Calendar
from sim.config import ConfigError, PolicySpec
from sim.schema import Setting, registry

REGISTRY, register = registry()  # @register makes a policy available to configs under its name


@dataclass(frozen=True)
class World:
    """What a policy sees when it starts (``on_start``), instead of the whole model: the config,
    the ports (hours and staff), the population's views, the credit tiers, the calendar and the
    port schedule (shifts, closures, system down time: :mod:`sim.agents.schedule`) and the officers."""

    cfg: Any
    ports: list
    population: Any
    credit: Any
    calendar: Calendar
    schedule: Any
    roster: Any = None  # the officers (sim.agents.officer.Roster): skills, checks


@dataclass
class Context:
    """What a hook needs to know: which declarations of the batch the rollout covers, and the
    policy's own random streams for the batch's day (so its draws never shift anyone else's).
    ``marks`` is the policy's own per-declaration note from ``screen`` (e.g. "inside the
    sandbox"), handed back with the outcomes."""
    on: np.ndarray  # bool per declaration: lodged at a covered port in a covered quarter
    rng: Callable[[str], np.random.Generator] | None = None
    marks: np.ndarray | None = None


class Policy(Setting):
    """A supervision setting. Override only the hooks the setting needs. ``rollout`` (set when the
    policy stack is built) is where and when it applies, for a policy whose action lasts as long
    as its coverage (e.g. staff moved for the rollout's span)."""

    rollout: Rollout | None = None

    def on_start(self, world: World) -> None:
        """Allocate state, keep references to the parts of the world the policy acts on."""

    def prevent(self, truth, ctx: Context) -> None:
        """Stop would-be violations of the day's declarations (``truth.prevent(rows)``)."""

    def lodge(self, truth, ctx: Context) -> None:
        """Move the lodging (``truth.lodged``, ``truth.prelodged``) of covered declarations earlier."""

    def screen(self, truth, screening, ctx: Context) -> None:
        """Adjust the day's screening in place: check, audit and disclosure chances, flags."""

    def on_outcome(self, lesson: dict, ctx: Context) -> None:
        """Outcomes as they become known (a release or a seizure): credit, guardrails."""

    def on_audit(self, lesson: dict, ctx: Context) -> None:
        """A post-clearance audit's report (``lesson["found"]``: a violation or a clean audit)."""

    def on_quarter(self, quarter: int, active: np.ndarray) -> None:
        """At each quarter start; ``active`` marks the ports under the rollout this quarter."""

    def snapshot(self) -> list[tuple[int, str, float]]:
        """(port index, metric, value) rows for the agents table at each quarter end."""
        return []


class Rollout:
    """Ports x quarters where a policy applies; no ``from``/``ports``/``waves`` = always, everywhere.

    The spec is validated before (sim/validation.py): quarters inside the horizon, known ports.
    """

    def __init__(self, spec: dict, calendar: Calendar, ports: list[str]):
        self.is_pilot = any(spec.get(k) for k in ("from", "ports", "waves"))
        waves = spec.get("waves") or [{"from": spec.get("from"), "ports": spec.get("ports")}]
        self.active = np.zeros((len(ports), calendar.n_quarters + 2), dtype=bool)
        until = spec.get("until")
        end = calendar.index_of(until) if until else calendar.n_quarters + 2
        for wave in waves:
            start = calendar.index_of(wave["from"]) if wave.get("from") else 0
            names = wave.get("ports")
            names = ports if names in (None, "all") else [names] if isinstance(names, str) else names
            for name in names:
                self.active[ports.index(name), start:end] = True

    def stop(self, port: int, quarter: int) -> int:
        """The first quarter from ``quarter`` on that the rollout does not cover ``port`` (past the
        horizon if none)."""
        off = np.flatnonzero(~self.active[port, quarter:])
        return quarter + int(off[0]) if len(off) else self.active.shape[1]


class PolicyStack:
    """The active policies in the fixed order of :data:`sim.policies.ORDER`, each built from its
    (validated: sim/validation.py) config entry."""

    def __init__(self, specs: dict[str, dict], calendar: Calendar, ports: list[str], order: tuple[str, ...]):
        built = []
        for key, entry in specs.items():
            spec = PolicySpec(**entry)
            name = spec.name or key
            cls = REGISTRY[name]
            policy = cls(cls.Params(**(spec.params or {})), f"policy.{key}.params")
            rollout = Rollout(spec.rollout or {}, calendar, ports)
            policy.rollout = rollout
            built.append((order.index(name), len(built), key, policy, rollout))
        built.sort(key=lambda item: item[:2])
        self.entries = [(key, policy, rollout) for _, _, key, policy, rollout in built]

    def pilot(self) -> np.ndarray:
        """Port x quarter: True where a pilot rollout (one with from/ports/waves) applies."""
        masks = [r.active for _, _, r in self.entries if r.is_pilot]
        return np.logical_or.reduce(masks) if masks else np.zeros_like(self.entries[0][2].active)

    def check(self, cfg) -> None:
        for _, policy, _ in self.entries:
            policy.check(cfg)

    def start(self, world: World) -> None:
        for _, policy, _ in self.entries:
            policy.on_start(world)

    def contexts(self, truth, quarter: np.ndarray, streams) -> list[Context]:
        """Each policy's context for a day's declarations.

        ``quarter`` is, per declaration, the quarter of the earlier of arrival and lodging: a
        declaration already lodged or arrived when a pilot starts keeps the old rules, so a
        pilot changes nothing before its first quarter."""
        return [Context(rollout.active[truth.port, quarter],
                        lambda name, key=key: streams.get(f"policy.{key}.{name}", truth.day))
                for key, _, rollout in self.entries]

    def shape(self, truth, contexts: list[Context]) -> None:
        """What policies change in the truth before it is frozen: prevention, then where and when
        traders lodge."""
        for hook in ("prevent", "lodge"):
            for (_, policy, _), ctx in zip(self.entries, contexts):
                if ctx.on.any():
                    getattr(policy, hook)(truth, ctx)

    def screen(self, truth, screening, contexts: list[Context]) -> None:
        """Apply each policy, in order, to the declarations its rollout covers."""
        for (_, policy, _), ctx in zip(self.entries, contexts):
            if ctx.on.any():
                policy.screen(truth, screening, ctx)

    def outcome(self, lesson: dict) -> None:
        """Outcomes as they become known; ``lesson["on"]``/``["marks"]``: declaration x policy."""
        self._learn(lesson, "on_outcome")

    def audit(self, lesson: dict) -> None:
        """Post-clearance audits' reports, with the same ``on`` and ``marks`` as :meth:`outcome`."""
        self._learn(lesson, "on_audit")

    def _learn(self, lesson: dict, hook: str) -> None:
        for i, (_, policy, _) in enumerate(self.entries):
            on = lesson["on"][:, i]
            if on.any():
                getattr(policy, hook)(lesson, Context(on, marks=lesson["marks"][:, i]))

    def quarter_start(self, quarter: int) -> None:
        for _, policy, rollout in self.entries:
            policy.on_quarter(quarter, rollout.active[:, quarter])

    def manifest(self) -> list[dict]:
        """The active policies in application order, with their parameters."""
        return [{"key": key, "policy": policy.name, "params": dataclasses.asdict(policy.params),
                 "pilot": rollout.is_pilot} for key, policy, rollout in self.entries]


def covered_ports(where: str, ports: Any, known: list[str]) -> list[str]:
    """The ports a rollout or an event covers: ``all`` (or none given), a port name or a
    non-empty list of names; ConfigError naming ``where`` otherwise."""
    if ports is None or ports == "all":
        return list(known)
    names = [ports] if isinstance(ports, str) else ports
    if not isinstance(names, list) or not names:
        raise ConfigError(f"{where}: must be all, a port name or a non-empty list of them; got {ports!r}")
    for name in names:
        if name not in known:
            raise ConfigError(f"{where}: unknown port {name!r}; ports are {', '.join(known)}")
    return list(dict.fromkeys(names))


def check_names(where: str, names: list[str], known, what: str) -> list[int]:
    """Positions of ``names`` in ``known`` (business models, violation types, countries...);
    ConfigError naming the first unknown one."""
    known = list(known)
    for name in names:
        if name not in known:
            raise ConfigError(f"{where}: unknown {what} {name!r}; known: {', '.join(known)}")
    return [known.index(name) for name in names]


class ForBusinessModels:
    """Mixin for a policy whose ``business_models`` parameter names the formats it covers:
    checks the names and keeps their indices in ``self.models``."""

    def check(self, cfg) -> None:
        self._models(cfg)

    def on_start(self, world) -> None:
        self.models = self._models(world.cfg)

    def _models(self, cfg) -> list[int]:
        return check_names(f"{self.where}.business_models", self.params.business_models,
                           cfg.population.business_models, "business model")
