"""tradesim: a simulator of customs supervision for testing policy pilots before rollout.

The library takes a validated :class:`~sim.config.Config` and returns tidy tables::

    from sim.experiment import run_replications
    result = run_replications(cfg)        # RunResult(quarterly, breakdown, policies)
"""
__version__ = "0.1.0"
