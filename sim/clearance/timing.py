"""The Time Release Study timestamps of declarations, from the customs part to release.

Customs' part (screening, queues and checks) ends at ``customs_done``; what follows needs no
officer and is arithmetic on arrays: another agency's own inspection (goods must be there),
waiting for an agency permit, correction and fine after a finding, duty payment, release (never
before the goods arrive, and only while the customs system is up: the port schedule) and the
trader's pick-up (once the port is open).
"""
from __future__ import annotations

import numpy as np

from sim.agents.schedule import Schedule
from sim.clearance.decisions import SV, Decisions
from sim.records import STAMPS, S, Truth


def customs_stamps(truth: Truth, rows: np.ndarray, screened: np.ndarray, customs: np.ndarray) -> np.ndarray:
    """Timestamp matrix (rows x STAMPS) with arrival, lodging, screening and the customs part
    (``customs``: rows x 7, document_start .. physical_end); the rest is filled by
    :func:`after_customs`."""
    stamps = np.empty((len(rows), len(STAMPS)))
    stamps[:, S["arrival"]] = truth.arrival[rows]
    stamps[:, S["lodged"]] = truth.lodged[rows]
    stamps[:, S["screened"]] = screened
    stamps[:, S["document_start"]:S["physical_end"] + 1] = customs
    return stamps


def after_customs(stamps: np.ndarray, decisions: Decisions, rows: np.ndarray, corrected: np.ndarray,
                  schedule: Schedule, ports: np.ndarray) -> np.ndarray:
    """Fill agency inspection, permit, correction and release into ``stamps``; return the time
    the goods leave the port (release + pick-up)."""
    done = stamps[:, S["physical_end"]]
    arrival = stamps[:, S["arrival"]]
    service = decisions.service[rows]
    agency = np.where(decisions.agency_separate[rows], np.maximum(done, arrival) + service[:, SV["agency"]], done)
    stamps[:, S["agency_inspected"]] = agency
    permit = np.maximum(agency, decisions.permit_ready[rows])
    stamps[:, S["permit_ready"]] = permit
    fixed = permit + np.where(corrected, service[:, SV["correction"]], 0.0)
    stamps[:, S["corrected"]] = fixed
    released = schedule.system_up(ports, np.maximum(fixed + decisions.pay_h[rows], arrival))
    stamps[:, S["released"]] = released
    return schedule.port_open(ports, released) + service[:, SV["pickup"]]
