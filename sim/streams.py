"""Named, independent random streams (common random numbers across scenarios).

Each random quantity draws from its own generator, spawned from the replication's
``SeedSequence`` with a stable hash of the stream's name (not Python's ``hash``) and, for the
daily draws, the day. Switching a policy on therefore never shifts the arrivals or any other
stream, and a day's draws do not depend on how many values earlier days took (smugglers who
move, or a policy that inspects more, leave every other day's random numbers alone).
"""
from __future__ import annotations

import zlib

import numpy as np

DAY_OFFSET = 100_000  # spawn keys must be non-negative; warm-up days are negative


def replication_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """One SeedSequence per replication; replication r gets the same one in every scenario."""
    return np.random.SeedSequence(seed).spawn(replications)


class Streams:
    """The random streams of one replication."""

    def __init__(self, seq: np.random.SeedSequence):
        self.seq = seq

    def get(self, name: str, day: int | None = None) -> np.random.Generator:
        """The generator of stream ``name`` (on ``day``, for draws made once per day)."""
        key = tuple(self.seq.spawn_key) + (zlib.crc32(name.encode()),)
        if day is not None:
            key += (day + DAY_OFFSET,)
        return np.random.default_rng(np.random.SeedSequence(self.seq.entropy, spawn_key=key))
