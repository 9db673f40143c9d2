"""Joint inspection: when customs inspects goods that another agency (quarantine, market
regulation) must also inspect, the agencies inspect together, once: fewer inspections per
declaration and no separate agency inspection time for the trader."""
from __future__ import annotations

from dataclasses import dataclass

from sim.policies.base import Context, Policy, register


@register
class JointInspection(Policy):
    name = "joint_inspection"
    description = "one joint inspection serves customs and other agencies"

    @dataclass
    class Params:
        pass

    def screen(self, truth, screening, ctx: Context) -> None:
        screening.joint[ctx.on] = True
