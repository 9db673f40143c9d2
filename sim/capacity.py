"""Offered load per port and role, estimated from the config before a run.

For each port, quarter and role (document reviewers, NII scanners and analysts, physical
inspectors), the work the port's arrivals bring per open hour over what its servers can do:
arrivals x share routed there (by business model, from the rate-setting policies in force:
``inspection`` and ``targeting``, the last in policy order that covers the port that quarter)
x mean service time / (servers x opening hours). Policies that scale checks by trader
(credit tiers, sandbox, watch list) are left out, so this is an estimate, and a low one where
the watch list adds checks (it covers the traders partner agencies report, a share the run
itself decides: at the default parcel hub it raises document review from 8% to about 11%). At a
load of 1 or more the queue grows without bound; users may want to simulate that, so it is a
warning, not an error.

The load during a disruption event is measured in the run instead (``offered_load`` of
events.csv, :mod:`sim.resilience`), with the checks the declarations really got.
"""
from __future__ import annotations

import numpy as np

from sim.calendar import Calendar
from sim.config import Config

ROLES = ("document", "scanner", "nii", "physical")


def _routed(cfg: Config, calendar: Calendar) -> np.ndarray:
    """Port x reported quarter x business model x (document, NII, physical): the share of a
    port's declarations of each model routed to each check."""
    from sim.agents.enterprise import port_mix
    from sim.policies import ORDER, PolicyStack
    models = list(cfg.population.business_models)
    stack = PolicyStack(cfg.policy, calendar, list(cfg.world.ports), ORDER)
    shares = np.zeros((len(cfg.world.ports), calendar.n_quarters, len(models), 3))
    for _, policy, rollout in stack.entries:
        if hasattr(policy, "check_shares"):
            active = rollout.active[:, 1:calendar.n_quarters + 1]
            shares[active] = policy.check_shares(models)
    return port_mix(cfg)[:, None, :, None] * shares


def _load(cfg: Config, routed: np.ndarray, servers: np.ndarray) -> np.ndarray:
    """Port x quarter x ROLES offered load of ``routed`` (port x quarter x model x check, in
    declarations per declaration of the port's normal flow) on ``servers`` (port x ROLES)."""
    world, pop = cfg.world, cfg.population
    ports = list(world.ports.values())
    checks = routed.sum(axis=2)
    s = world.service
    to_physical = checks[..., 2] + checks[..., 1] * pop.nii_escalation
    work = np.stack([checks[..., 0] * s.document_h, checks[..., 1] * s.nii_scan_h, checks[..., 1] * s.nii_image_h,
                     to_physical * np.array([world.kinds[p.kind].physical_h for p in ports])[:, None]], axis=-1)
    per_hour = np.array([p.declarations_per_day / (p.close_hour - p.open_hour) for p in ports])
    with np.errstate(divide="ignore", invalid="ignore"):
        load = per_hour[:, None, None] * work / np.maximum(servers, 0)[:, None, :]
    return np.nan_to_num(load, nan=0.0, posinf=np.inf)


def offered_load(cfg: Config) -> tuple[np.ndarray, list[str]]:
    """Port x reported quarter x ROLES offered load, and the quarter labels."""
    calendar = Calendar(cfg.world.start, cfg.world.horizon_quarters, cfg.world.warmup_days)
    servers = np.array([[p.officers.document, p.scanners, p.officers.nii, p.officers.physical]
                        for p in cfg.world.ports.values()])
    return _load(cfg, _routed(cfg, calendar), servers), calendar.labels


def overload_warnings(cfg: Config) -> list[str]:
    """One line per port and role whose offered load reaches 1 in some quarter."""
    load, labels = offered_load(cfg)
    lines = []
    for p, port in enumerate(cfg.world.ports):
        for r, role in enumerate(ROLES):
            over = np.flatnonzero(load[p, :, r] >= 1)
            if len(over):
                q = over[0]
                lines.append(f"{port} {role}: offered load {load[p, q, r]:.2f} >= 1 from {labels[q]} (the queue "
                             f"grows without bound: add servers or lower the check rates)")
    return lines
