"""Disruption events (``world.events``): system outages, port closures, scanner failures,
staff shortages and traffic surges, each an edit of the port schedule.

Importing this package registers every kind (:mod:`sim.events.kinds`). :func:`schedule_of`
builds the schedule of a config with its events applied: the model and the capacity estimate
both read it.
"""
from sim.agents.schedule import Schedule
from sim.config import Config
from sim.events import kinds  # noqa: F401  (registers the kinds)
from sim.events.base import REGISTRY, Event, EventKind, EventSpec, check_event_rules, events_of, kind_of, register


def schedule_of(cfg: Config, events: list[Event]) -> Schedule:
    """The port schedule of ``cfg`` with ``events`` applied."""
    schedule = Schedule(cfg.world.ports, list(cfg.population.business_models))
    for event in events:
        event.kind.edit(schedule, event)
    return schedule


__all__ = ["REGISTRY", "Event", "EventKind", "EventSpec", "check_event_rules", "events_of", "kind_of", "register",
           "schedule_of"]
