"""tradesim: a simulator of customs supervision for testing policy pilots before rollout.

One call per task (:mod:`sim.api`, loaded on first use), every result pandas DataFrames::

    import sim
    tables = sim.run("inspection_targeting", overrides=["run=smoke"])
    effects = sim.compare(["inspection_targeting"], overrides=["run=smoke"])
    saved = sim.load("results/runs/baseline_2024/<time>")

Underneath, the library takes a validated :class:`~sim.config.Config` and returns tidy tables
(:func:`sim.compose.load_config`, :func:`sim.experiments.replications.run_replications`).
"""
from sim.version import __version__

API = ("run", "compare", "load")
__all__ = ["__version__", *API]


def __getattr__(name: str):
    """``sim.run``, ``sim.compare``, ``sim.load`` without importing the model on ``import sim``."""
    if name in API:
        from sim import api
        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
