"""One scenario's replications into one output folder (``tradesim run``), resumable.

The replications are computed as parts (``runs/<scenario>/rep_<r>/``, the job store of
experiments), so Ctrl-C or a kill keeps the finished ones and the same command on the same folder
computes only the missing ones; the run's tables then replace the parts in one atomic step.
"""
from __future__ import annotations

import time
from pathlib import Path

from sim import claims, output
from sim.config import Config


def resumable(folder: Path) -> bool:
    """A folder an interrupted run left: parts, no final manifest."""
    return (folder / "runs").is_dir() and not (folder / output.MANIFEST).exists()


def run_into(cfg: Config, folder: Path, extra: dict | None = None) -> tuple[str, list[str]]:
    """Run ``cfg``'s replications into the claimed ``folder``; return summary.md's text and the
    failures (one line each; then the finished replications are kept as parts, nothing else)."""
    from sim.experiments.jobs import plan, run_jobs
    started = time.time()
    jobs = plan({cfg.scenario: cfg}, cfg.run.replications, folder)
    ran, failures = run_jobs(jobs, cfg.run.workers, cfg.run.progress)
    if failures:
        return "", failures
    return publish_run(cfg, folder, jobs, ran, time.time() - started, extra), []


def publish_run(cfg: Config, folder: Path, jobs: list, ran: int, wall_s: float, extra: dict | None = None) -> str:
    """Replace the finished parts (``jobs``) in ``folder`` by the run's tables, summary.md and
    manifest.json, in one atomic step; return summary.md's text. ``extra`` goes into manifest.json
    (a sweep job's number and overrides)."""
    from sim.analysis.summary import role_utilisation, summary_table
    from sim.experiments.jobs import load_runs
    from sim.experiments.replications import seed_manifest
    from sim.manifest import build_manifest
    from sim.report.summaries import run_summary_markdown
    tables = load_runs(jobs)[cfg.scenario]
    policies = output.read_json(jobs[0].folder / output.MANIFEST)["policies_in_order"]
    manifest = build_manifest(cfg, policies, seed_manifest(cfg), wall_s)
    manifest.update(replications_computed_now=ran, **(extra or {}))
    resilience = {}
    if "events" in tables:
        from sim.analysis.resilience import phase_table, resilience_table
        events, backlog = (tables[k].assign(scenario=cfg.scenario) for k in ("events", "event_backlog"))
        resilience = {"resilience": resilience_table(events), "phases": phase_table(backlog, events)}
    text = run_summary_markdown(cfg, summary_table(tables["quarterly"]), role_utilisation(tables["breakdown"]),
                                **resilience)
    from omegaconf import OmegaConf
    output.publish(folder, tables, {"config.yaml": OmegaConf.to_yaml(OmegaConf.structured(cfg)), "summary.md": text},
                   manifest, keep=(claims.LOCK,))
    return text
