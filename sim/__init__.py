"""tradesim: a simulator of customs supervision for testing policy pilots before rollout.

The library takes a validated :class:`~sim.config.Config` and returns tidy tables::

    from sim.compose import load_config
    from sim.experiments.replications import run_replications
    cfg, _ = load_config(["scenario=inspection_targeting", "run=smoke"])   # Hydra overrides
    result = run_replications(cfg)        # RunResult(quarterly, breakdown, policies, agents)
"""
__version__ = "0.1.0"
