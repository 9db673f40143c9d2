"""Shared fixtures: composing configs the way the CLI does."""
from __future__ import annotations

import pytest

from sim.cli import load_config


@pytest.fixture
def compose():
    """compose(*overrides) -> validated Config (as `tradesim run` would build it)."""
    def _compose(*overrides: str):
        cfg, _ = load_config(list(overrides))
        return cfg
    return _compose
