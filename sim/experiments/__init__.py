"""Experiments: replications of a config (``replications``), the resumable job store
(``jobs``) and experiment definitions (``definitions``)."""
