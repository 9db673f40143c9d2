"""Named, independent random streams (common random numbers across scenarios).

Each random quantity draws from its own generator, spawned from the replication's
``SeedSequence`` with a stable hash of the stream's name; switching a policy on therefore
never shifts the arrivals or any other stream.
"""
from __future__ import annotations

import zlib

import numpy as np

STREAMS = ("arrivals", "enterprises", "behaviour", "screening", "service", "inspection", "audit")


def replication_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """One SeedSequence per replication; replication r gets the same one in every scenario."""
    return np.random.SeedSequence(seed).spawn(replications)


def named_stream(seq: np.random.SeedSequence, name: str) -> np.random.Generator:
    """A generator for ``name`` that depends only on the replication seed and the name."""
    key = tuple(seq.spawn_key) + (zlib.crc32(name.encode()),)
    return np.random.default_rng(np.random.SeedSequence(seq.entropy, spawn_key=key))


def streams(seq: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """All the named streams of one replication."""
    return {name: named_stream(seq, name) for name in STREAMS}
