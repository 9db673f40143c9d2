"""Behaviour rules of the agents: the compliance decision and credit dynamics."""
