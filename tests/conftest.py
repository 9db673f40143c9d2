"""Shared fixtures."""
from __future__ import annotations

import pytest

from sim.compose import load_config


@pytest.fixture
def compose():
    """Compose a validated Config from Hydra overrides, as `tradesim run` does."""
    def _compose(*overrides: str):
        cfg, _ = load_config(list(overrides))
        return cfg
    return _compose
