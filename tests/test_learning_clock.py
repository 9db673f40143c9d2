"""Agents act on the clock: what they learn reaches them once it has happened, never before."""
from __future__ import annotations

import numpy as np

from sim.feed import Feed, Rows
from sim.model import LEARN_EVERY_H, SupervisionModel
from sim.streams import replication_seeds


def test_the_feed_delivers_each_lesson_at_the_first_delivery_after_its_time():
    got = []
    feed = Feed(24.0, -48.0, {"x": lambda lesson: got.append((now, sorted(lesson["id"].tolist())))})
    feed.schedule("x", np.array([-30.0, 0.0, 0.5, 23.9, 24.0, 100.0]), Rows(id=np.arange(6)).lesson)
    for now in (-24.0, 0.0, 24.0, 48.0, 72.0, 96.0, 120.0):
        feed.deliver(now)
    assert got == [(-24.0, [0]), (0.0, [1]), (24.0, [2, 3, 4]), (120.0, [5])], \
        "each entry at the first delivery at or after its time, none earlier"
    feed.schedule("x", np.array([10.0]), Rows(id=np.array([9])).lesson)
    now = 144.0
    feed.deliver(now)
    assert got[-1] == (144.0, [9]), "a lesson known already goes to the next delivery"


def test_nobody_learns_of_a_release_or_seizure_before_it_happens(compose):
    cfg = compose("run=smoke")
    model = SupervisionModel(cfg, replication_seeds(cfg.run.seed, 1)[0])
    seen = []
    learn = model.feed.handlers["cleared"]

    def spy(lesson):
        seen.append((model.env.now, lesson["at"].min(), lesson["at"].max(), len(lesson["at"])))
        learn(lesson)

    model.feed.handlers["cleared"] = spy
    model.run()
    assert sum(n for *_, n in seen) > 50_000, "traders learn of almost every declaration's outcome"
    assert all(latest <= now for now, _, latest, _ in seen), "no outcome reaches anyone before it happens"
    assert max(now - earliest for now, earliest, _, _ in seen) <= LEARN_EVERY_H + 1e-6, \
        "and every outcome reaches them by the end of the day it happened"
