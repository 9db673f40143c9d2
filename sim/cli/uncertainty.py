"""``tradesim compare ... uncertainty=K``: K parameter sets drawn from the declared ranges
(Latin hypercube, seeded by run.seed), each run for the baseline and every scenario; the summary
says which interval is which (sim.analysis.uncertainty)."""
from __future__ import annotations

from sim.cli.errors import UserError
from sim.cli.options import file_option, integer
from sim.config import Config


def parameter_sets(options: dict, configs: dict[str, Config], baseline: str, precision) -> tuple[dict, dict]:
    """The runs at each drawn parameter set (label ``<run>__p<k>`` -> config) and what was drawn
    (for experiment.json); nothing without ``uncertainty=K``."""
    from sim.analysis.uncertainty import set_label
    from sim.calibration.parameters import check_ranges, lhs, load_parameters, select, with_values
    from sim.cli.calibrate import PARAMETERS
    if "uncertainty" not in options:
        extra = [key for key in ("params", "parameters") if key in options]
        if extra:
            raise UserError(f"{extra[0]}: chooses the parameters of uncertainty=K; give uncertainty=K too")
        return {}, {}
    k = integer(options, "uncertainty", 0, 2, 1_000)
    if precision:
        raise UserError("uncertainty: not with run.replications=auto; give a number of replications")
    params = select(load_parameters(file_option(options, "parameters", PARAMETERS)), options.get("params"))
    for cfg in configs.values():
        check_ranges(cfg, params, "params")
    draws = lhs(params, k, configs[baseline].run.seed)
    sets = {set_label(label, i): with_values(cfg, params, row)
            for i, row in enumerate(draws) for label, cfg in configs.items()}
    return sets, {"uncertainty": {"parameter_sets": k, "params": {p.name: list(draws[:, j])
                                                                   for j, p in enumerate(params)}}}
