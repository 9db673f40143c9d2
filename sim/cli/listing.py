"""``tradesim list`` (what the library holds, in full) and ``tradesim bench``."""
from __future__ import annotations

from sim.cli.errors import UserError

KINDS = ("scenarios", "policies", "events", "experiments", "presets")


def cmd_list(args: list[str]) -> int:
    """``tradesim list [KIND] [NAME]``: everything, one kind, or one policy's parameters."""
    from sim.catalogue import catalogue, policy_detail
    from sim.policies import REGISTRY
    if len(args) > 2 or (args and args[0] not in KINDS):
        raise UserError(f"list: usage: tradesim list [{'|'.join(KINDS)}] [NAME]; got {' '.join(args)!r}")
    if len(args) == 2:
        if args[0] != "policies":
            raise UserError(f"list {args[0]}: takes no NAME (only 'tradesim list policies NAME' does)")
        if args[1] not in REGISTRY:
            raise UserError(f"list policies: no policy named {args[1]!r}; policies: {', '.join(sorted(REGISTRY))}")
        print(policy_detail(args[1]))
        return 0
    print(catalogue(args[0] if args else "all"))
    return 0


def cmd_bench(args: list[str]) -> int:
    from sim.bench import OPTIONS, bench
    from sim.cli.options import integer, split_options
    options, overrides = split_options(args, tuple(OPTIONS), "bench", allow_scenario=True)
    print(bench(overrides, *(integer(options, key, *OPTIONS[key]) for key in OPTIONS)))
    return 0
