"""mesa's ``Agent`` and ``Model`` without the rest of mesa, and a finished model's release.

mesa's package ``__init__`` imports its whole toolkit: grid and network spaces (networkx), the
experimental continuous space (scipy.spatial), the batch runner and the data collector, about
0.7 CPU-seconds of every process that imports it (and of every worker process), none of which
tradesim uses. When mesa is not imported yet, :data:`mesa` is its package module created without
running that ``__init__``, with ``Agent`` and ``Model`` from mesa's own ``agent`` and ``model``
modules; the first use of any other name of the package (``mesa.space``, ``mesa.batch_run``,
``mesa.__version__``) runs the ``__init__`` then, so other code in the same process still sees
the whole of mesa.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType


def _core() -> ModuleType:
    if "mesa" in sys.modules:
        return sys.modules["mesa"]
    spec = importlib.util.find_spec("mesa")
    package = importlib.util.module_from_spec(spec)

    def rest_of_mesa(name: str):
        del package.__dict__["__getattr__"]
        spec.loader.exec_module(package)
        return getattr(package, name)

    package.__getattr__ = rest_of_mesa  # PEP 562: called only for names the package lacks
    sys.modules["mesa"] = package
    try:
        package.Agent = importlib.import_module("mesa.agent").Agent
        package.Model = importlib.import_module("mesa.model").Model
    except BaseException:
        del sys.modules["mesa"]
        raise
    return package


mesa = _core()


def release(model: mesa.Model) -> None:
    """Let a finished model be freed: mesa's ``Agent._ids`` (the next agent id of every model
    ever built, keyed by the model) would otherwise keep each model, and all it holds, alive
    for the life of the process."""
    mesa.Agent._ids.pop(model, None)
