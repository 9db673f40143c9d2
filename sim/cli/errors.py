"""The CLI's own user mistakes (usage), printed like config errors: one line, exit code 2."""
from __future__ import annotations

from sim.config import ConfigError


class UserError(ConfigError):
    """A mistake in what the user asked for; printed as one line, exit code 2."""
