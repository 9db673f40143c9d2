"""A trial: ``tradesim compare`` of one setting in a background process, with its progress and a cancel.

The dashboard checks the setting first (:func:`sim.dashboard.levers.check_trial`); the run itself
is the CLI's, so its folder is a normal comparison folder (resumable, never overwritten) and
Ctrl-C semantics hold: a cancel keeps the finished replications.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.dashboard.levers import write_experiment

CLI = "from sim.cli import entry; entry()"


class Trial:
    """One background ``tradesim compare`` into ``folder``: baseline and scenario, no placebo, no report."""

    def __init__(self, data: dict, folder: Path):
        self.folder = Path(folder)
        self.total = 2 * int(data["replications"])  # the baseline and the changed scenario
        self._spec = tempfile.TemporaryDirectory(prefix="tradesim-trial-")
        spec = write_experiment(data, Path(self._spec.name))
        self.log = Path(self._spec.name) / "output.txt"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", CLI, "compare", f"experiment={spec}", f"hydra.run.dir={self.folder}",
                 "placebo=false", "report=false"], stdout=log, stderr=subprocess.STDOUT)

    def done(self) -> int:
        """Replications finished so far (their folders are complete: they hold a manifest)."""
        return len(list(self.folder.glob("runs/*/rep_*/manifest.json")))

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def output(self) -> str:
        """What the command printed (its summary, or its error lines)."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def cancel(self, timeout: float = 30) -> None:
        """Stop the run as Ctrl-C would (finished replications are kept), then wait for it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def wait(self, timeout: float) -> int | None:
        """Wait up to ``timeout`` seconds for the end; the return code, or None if still running."""
        end = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < end:
            time.sleep(0.2)
        return self.process.poll()
