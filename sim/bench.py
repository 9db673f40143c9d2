"""`tradesim bench`: end-to-end speed of the model against a bare-simpy model of the same flow.

Both run `world=national` for one year in a fresh process each (so peak memory is their own):
tradesim's batched model (numpy for the green channel, simpy processes only for declarations
that wait for an officer, scanner or bay) and a plain simpy model in which every declaration
is a process with ``simpy.Resource`` requests, the way one would first write it. The ratio of
their declarations per second is what the batch design buys.
"""
from __future__ import annotations

import multiprocessing
import random
import resource
import time
from concurrent.futures import ProcessPoolExecutor

import simpy

DEFAULT = ["world=national", "world.horizon_quarters=4", "run.replications=1", "run.workers=1",
           "run.progress=false", "population=national"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _tradesim(overrides: list[str]) -> dict:
    from sim.compose import load_config
    from sim.experiments.replications import run_replications
    started = time.perf_counter()
    cfg, _ = load_config(overrides)
    result = run_replications(cfg, progress=False)
    return {"declarations": int(result.quarterly["declarations"].sum()),
            "wall_s": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _bare(overrides: list[str]) -> dict:
    from sim.compose import load_config
    from sim.model import long_lived_world
    cfg, _ = load_config(overrides)
    started = time.perf_counter()
    with long_lived_world():  # the same garbage-collector setting as the model, to be fair
        counted = bare_simpy(cfg)
    return {"declarations": counted, "wall_s": time.perf_counter() - started, "peak_mb": _peak_mb()}


def bare_simpy(cfg) -> int:
    """The same ports, business mixes, paperwork, channel mix and service times, one simpy
    process per declaration (and one per permit).

    Returns the number of declarations that arrived after the warm-up.
    """
    from sim.calendar import Calendar
    from sim.policies.inspection import Inspection
    w, s, pop = cfg.world, cfg.world.service, cfg.population
    rates = Inspection.Params(**cfg.policy["inspection"]["params"])
    env = simpy.Environment(initial_time=-w.warmup_days * 24.0)
    end = Calendar(w.start, w.horizon_quarters, w.warmup_days).end_h
    rng = random.Random(cfg.run.seed)
    expo = lambda mean: rng.expovariate(1.0 / mean) if mean > 0 else 0.0  # noqa: E731
    counted = [0]
    releases = []

    def until_open(open_hour, close_hour):
        hour = env.now % 24.0
        return 0.0 if open_hour <= hour < close_hour else (open_hour - hour) % 24.0

    def office_work(hours, open_hour, close_hour):
        """Work that pauses outside office hours, in steps of at most one opening."""
        left = hours
        while left > 0:
            yield env.timeout(until_open(open_hour, close_hour))
            step = min(left, close_hour - (env.now % 24.0))
            yield env.timeout(step)
            left -= step

    def serve(port, res, mean):
        with res.request() as req:
            yield req
            yield env.timeout(until_open(port.open_hour, port.close_hour))
            yield env.timeout(expo(mean))

    def permit(done):
        yield from office_work(expo(s.permit_h), w.agencies.open_hour, w.agencies.close_hour)
        done.succeed()

    def declaration(port, kind, model, imports):
        arrival = env.now
        if rng.random() >= model.prelodge:
            if model.manual:
                yield from office_work(expo(model.prep_h), pop.trader.office_open_hour, pop.trader.office_close_hour)
            else:
                yield env.timeout(expo(model.prep_h))
        yield env.timeout(s.screening_h)
        granted = None
        if rng.random() < (model.import_permit_share if imports else model.export_permit_share):
            granted = env.event()
            env.process(permit(granted))
        u = rng.random()
        if u < rates.physical_rate + rates.nii_rate:
            yield env.timeout(kind.transfer_h)
            if u >= rates.physical_rate:
                yield from serve(port, res_of[id(port)]["scanner"], s.nii_scan_h)
                yield from serve(port, res_of[id(port)]["nii"], s.nii_image_h)
            if u < rates.physical_rate or rng.random() < pop.nii_escalation:
                with res_of[id(port)]["bay"].request() as bay:
                    yield bay
                    yield from serve(port, res_of[id(port)]["physical"], kind.physical_h)
        elif u < rates.physical_rate + rates.nii_rate + rates.document_rate:
            yield from serve(port, res_of[id(port)]["document"], s.document_h)
        if rng.random() < pop.agency_check_share:
            yield env.timeout(expo(s.agency_check_h))
        if granted is not None:
            yield granted
        if imports and rng.random() >= pop.trader.guarantee_share:
            yield env.timeout(expo(s.payment_h))
        releases.append(env.now - arrival)

    res_of = {}

    def arrivals(port):
        res_of[id(port)] = {role: simpy.Resource(env, max(getattr(port.officers, role), 1))
                            for role in ("document", "nii", "physical")}
        res_of[id(port)]["scanner"] = simpy.Resource(env, port.scanners)
        res_of[id(port)]["bay"] = simpy.Resource(env, port.bays)
        names = list(port.business_mix)
        weights = [port.business_mix[n] for n in names]
        rate = port.declarations_per_day / 24.0
        while True:
            yield env.timeout(rng.expovariate(rate))
            counted[0] += env.now >= 0
            model = pop.business_models[rng.choices(names, weights)[0]]
            env.process(declaration(port, w.kinds[port.kind], model, rng.random() < port.import_share))

    for port in w.ports.values():
        if port.declarations_per_day > 0:
            env.process(arrivals(port))
    env.run(until=end)
    return counted[0]


def bench(overrides: list[str]) -> str:
    """Run both models (each in a fresh process) and return the comparison table."""
    from sim.compose import load_config
    overrides = DEFAULT + list(overrides)
    load_config(overrides)  # a mistake is one line, before anything runs
    rows = {}
    for name, fn in (("tradesim (batched + simpy)", _tradesim), ("bare simpy (process each)", _bare)):
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            rows[name] = pool.submit(fn, overrides).result()
    lines = [f"tradesim bench: {' '.join(overrides)}", "",
             f"{'model':<28}{'declarations':>14}{'wall s':>9}{'decl/s':>12}{'peak MB':>10}"]
    for name, r in rows.items():
        r["rate"] = r["declarations"] / r["wall_s"]
        lines.append(f"{name:<28}{r['declarations']:>14,}{r['wall_s']:>9.2f}{r['rate']:>12,.0f}"
                     f"{r['peak_mb']:>10.0f}")
    fast, bare = rows.values()
    lines += ["", f"ratio tradesim / bare simpy: {fast['rate'] / bare['rate']:.2f}",
              "(wall time is end to end: config, build, simulation and result tables; "
              "peak MB is each process's maximum resident memory)"]
    return "\n".join(lines)
