"""Where the jobs of a multi-run command run: ``run.executor`` = local, ray or slurm.

Every multi-run command (``run``, ``run -m``, ``compare``, ``calibrate``, ``sensitivity``) hands
its unfinished jobs to :func:`completed` (and the Python API its replications), which runs ``fn(item)``
for each on the chosen executor and yields each item with its result and its exception (None when it
succeeded) as it finishes:

* ``local``: ``run.workers`` spawned processes on this machine (:mod:`sim.experiments.workers`).
* ``ray``: one Ray task per job (1 CPU each); ``run.ray_address`` '' starts a Ray instance here
  with ``run.workers`` CPUs (once per process, shut down at exit), 'auto' or host:port joins that
  running cluster (whose CPUs then decide how many run at once).
* ``slurm``: one job per item through submitit, at most ``run.workers`` at a time (a SLURM job
  array with that parallelism); ``run.slurm_cluster=local`` runs them as processes here with
  submitit's local executor, as CI tests it. Job logs go to ``<folder>/.submitit``.

Each job writes its own folder (the job store), so the output folder must be on a file system
the workers share (a cluster's shared disk). The results do not depend on the executor: a job's
seed comes from ``run.seed`` and its replication index only.

Closing the generator early (an exception in the caller, Ctrl-C) cancels the jobs not finished.
"""
from __future__ import annotations

import atexit
import time
from collections.abc import Callable, Iterator
from concurrent.futures import as_completed
from pathlib import Path
from typing import Optional

from sim.experiments.workers import submit_all, worker_pool
from sim.run_config import RunConfig

POLL_S = 0.5  # how often the ray and slurm executors look for finished jobs (seconds)
Finished = Iterator[tuple[object, object, Optional[BaseException]]]  # item, fn(item) (None if failed), error


class RemoteError(Exception):
    """A job failed on another executor; the message is the last line of its traceback."""


def completed(fn: Callable, items: list, run: RunConfig, folder: Path) -> Finished:
    """Run ``fn(item)`` for every item on ``run.executor``; yield ``(item, result, exception)`` as
    each finishes (None and the exception if it failed). ``folder`` is the output folder (for the
    slurm executor's logs)."""
    runner = {"local": _local, "ray": _ray, "slurm": _slurm}[run.executor]
    yield from runner(fn, items, run, folder)


def in_this_process(run: RunConfig, jobs: int) -> bool:
    """Whether ``jobs`` jobs are best run one after another in this process (no pool): local, with
    one worker or one job."""
    return run.executor == "local" and (run.workers == 1 or jobs == 1)


def _local(fn: Callable, items: list, run: RunConfig, folder: Path) -> Finished:
    with worker_pool(min(run.workers, len(items))) as pool:
        futures = submit_all(pool, fn, items)
        for future in as_completed(futures):
            exc = future.exception()
            yield futures[future], None if exc else future.result(), exc


def _start_ray(run: RunConfig):
    """Ray, started (or joined) once per process."""
    import logging

    import ray
    if not ray.is_initialized():
        here = not run.ray_address
        ray.init(address=run.ray_address or None, num_cpus=run.workers if here else None, include_dashboard=False,
                 log_to_driver=False, logging_level=logging.ERROR)
        atexit.register(ray.shutdown)
    return ray


def _ray_outcome(ray, ref) -> tuple[object, Optional[BaseException]]:
    try:
        return ray.get(ref), None
    except ray.exceptions.RayTaskError as exc:  # the job's own exception, raised in the worker
        return None, exc.cause if isinstance(exc.cause, BaseException) else exc
    except ray.exceptions.RayError as exc:  # a worker or node lost, a task cancelled
        return None, exc


def _call(fn: Callable, item: object) -> object:
    """``fn(item)``: a Ray task is a plain function, ``fn`` may be any callable (a functools.partial)."""
    return fn(item)


def _ray(fn: Callable, items: list, run: RunConfig, folder: Path) -> Finished:
    ray = _start_ray(run)
    task = ray.remote(num_cpus=1, max_retries=0)(_call)
    refs = {task.remote(fn, item): item for item in items}
    pending = list(refs)
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1, timeout=POLL_S)
            for ref in done:
                yield refs[ref], *_ray_outcome(ray, ref)
    except BaseException:
        for ref in pending:
            ray.cancel(ref, force=True)
        raise


def _slurm_executor(run: RunConfig, folder: Path):
    import submitit
    executor = submitit.AutoExecutor(folder=folder / ".submitit" / "%j", cluster=run.slurm_cluster)
    partition = {"slurm_partition": run.slurm_partition} if run.slurm_partition else {}
    executor.update_parameters(name="tradesim", timeout_min=run.slurm_timeout_min, mem_gb=run.slurm_mem_gb,
                               cpus_per_task=1, slurm_array_parallelism=run.workers, **partition)
    return executor


def _slurm_error(job) -> Optional[BaseException]:
    """The job's error as one line: the last line of its traceback (submitit sends the traceback
    as text, between two lines of dashes), and where its log is."""
    exc = job.exception()
    if exc is None:
        return None
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    rules = [i for i, line in enumerate(lines) if set(line) == {"-"}]
    last = lines[rules[1] - 1] if len(rules) > 1 else (lines or [type(exc).__name__])[0]
    return RemoteError(f"{last} (log: {job.paths.stderr})")


def _slurm(fn: Callable, items: list, run: RunConfig, folder: Path) -> Finished:
    """A SLURM array (at most run.workers at once); the local cluster gets them run.workers at a time."""
    executor = _slurm_executor(run, folder)
    queue = list(items)
    running = {}
    try:
        if run.slurm_cluster == "slurm":
            running, queue = dict(zip(executor.map_array(fn, queue), queue)), []
        while running or queue:
            while queue and len(running) < run.workers:
                item = queue.pop(0)
                running[executor.submit(fn, item)] = item
            finished = [job for job in running if job.done()]
            if not finished:
                time.sleep(POLL_S)
            for job in finished:
                exc = _slurm_error(job)
                yield running.pop(job), None if exc else job.result(), exc
    except BaseException:
        for job in running:
            job.cancel(check=False)
        raise
