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
import inspect
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
        package.Model = _model()
    except BaseException:
        del sys.modules["mesa"]
        raise
    return package


def _model() -> type:
    """``mesa.model.Model``. On import, mesa.model names its logger and its ``__init__``'s logging
    decorator after the calling module and class, found with ``inspect``: every frame of the
    stack is resolved to its source file and module, which scans every loaded module per frame
    (up to 2 CPU-seconds deep in an import chain once pandas and scipy are loaded). While it is
    imported, mesa's logging module sees :class:`_FramesOnly` as ``inspect``: the same frames,
    names and modules, read from the frames themselves."""
    logging = importlib.import_module("mesa.mesa_logging")
    logging.inspect = _FramesOnly
    try:
        return importlib.import_module("mesa.model").Model
    finally:
        logging.inspect = inspect


class _FramesOnly:
    """The part of ``inspect`` mesa's logging uses, without source files: frame records give the
    frame, file, line and function name (no source lines)."""
    currentframe = staticmethod(inspect.currentframe)

    @staticmethod
    def getouterframes(frame, context: int = 1) -> list[tuple]:
        out = []
        while frame is not None:
            out.append((frame, frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name, None, None))
            frame = frame.f_back
        return out

    @staticmethod
    def stack(context: int = 1) -> list[tuple]:
        return _FramesOnly.getouterframes(sys._getframe(1), context)

    @staticmethod
    def getmodule(frame) -> ModuleType | None:
        return sys.modules.get(frame.f_globals.get("__name__"))


mesa = _core()


def release(model: mesa.Model) -> None:
    """Let a finished model be freed: mesa's ``Agent._ids`` (the next agent id of every model
    ever built, keyed by the model) would otherwise keep each model, and all it holds, alive
    for the life of the process."""
    mesa.Agent._ids.pop(model, None)
