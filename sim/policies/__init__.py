"""Supervision policies: importing this package registers every policy module."""
from sim.policies import credit_tier, inspection  # noqa: F401  (registers the policies)
from sim.policies.base import REGISTRY, Policy, PolicyStack, Rollout, register

__all__ = ["REGISTRY", "Policy", "PolicyStack", "Rollout", "register"]
