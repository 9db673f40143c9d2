"""Supervision policies: importing this package registers every policy module."""
from sim.policies import (  # noqa: F401  (each import registers its policy)
    aeo_mutual_recognition,
    classification_assist,
    credit_tier,
    first_violation_no_penalty,
    inspection,
    joint_inspection,
    sandbox,
    self_declaration_audit,
    single_window,
    smart_monitoring_24h,
    targeting,
    traceability,
)
from sim.policies.base import REGISTRY, Policy, PolicyStack, Rollout, register

__all__ = ["REGISTRY", "Policy", "PolicyStack", "Rollout", "register"]
