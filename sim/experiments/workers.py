"""Worker processes that stop when asked and never outlive their parent.

* Workers are spawned (not forked: mesa sets spawn on import, and fork is unsafe with threads)
  with SIGINT ignored, so Ctrl-C in a terminal (sent to the whole process group) reaches only the
  parent, which then terminates them: no traceback from each worker, no waiting for their runs.
* Each worker watches its parent and exits when it is gone (``kill -9`` of the parent leaves no
  orphan computing and then waiting forever).
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

WATCH_S = 0.5  # how often a worker checks that its parent is alive


def _watch_parent(parent: int) -> None:
    """In a worker: exit as soon as the parent process is gone."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_S)
        os._exit(1)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now (SIGTERM, then SIGKILL after 5 s) and drop the queued work."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before 3.14
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + 5
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes; on any exception (Ctrl-C included) the workers are
    terminated at once instead of finishing their runs."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_watch_parent, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown(wait=True)


def submit_all(pool: ProcessPoolExecutor, fn: Callable, items: Iterable) -> dict[Future, object]:
    """Submit ``fn(item)`` for every item. The workers start here (on the first submits), with
    SIGINT ignored: they inherit that, so Ctrl-C interrupts only this process."""
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        return {pool.submit(fn, item): item for item in items}
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
