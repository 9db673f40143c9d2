"""Supervision policies: importing this package registers every policy module.

:data:`ORDER` is the one order in which policies apply to a day's declarations: prevention
first (it changes what there is to find), then the inspection rate and its targeting, then
the regimes that scale checks by who trades (credit tiers, AEO recognition, sandbox,
self-declaration), the watch list and partner customs' intelligence after them (a record overrides a
relaxed regime), then what shapes the process (disclosure, joint inspection, single window, hours, where the
documents are reviewed), and the officers' training (it acts on officers, not on a day's declarations).
"""
from sim.policies import (  # noqa: F401  (each import registers its policy)
    aeo_mutual_recognition,
    classification_assist,
    credit_tier,
    first_violation_no_penalty,
    inspection,
    intl_risk_sharing,
    joint_inspection,
    local_declaration,
    sandbox,
    self_declaration_audit,
    single_window,
    smart_monitoring_24h,
    targeting,
    traceability,
    training,
    watch_list,
)
from sim.policies.base import REGISTRY, Policy, PolicyStack, Rollout, World, register

ORDER = ("traceability", "classification_assist", "inspection", "targeting", "credit_tier",
         "aeo_mutual_recognition", "sandbox", "self_declaration_audit", "watch_list", "intl_risk_sharing",
         "first_violation_no_penalty", "joint_inspection", "single_window", "smart_monitoring_24h",
         "local_declaration", "training")
assert sorted(ORDER) == sorted(REGISTRY), "every registered policy has its place in ORDER"

__all__ = ["ORDER", "REGISTRY", "Policy", "PolicyStack", "Rollout", "World", "register"]
