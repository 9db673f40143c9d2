"""The import graph of ``sim`` (read with ``ast``, lazy imports included): modules import only
downwards through the layers below, and no import cycle exists, among modules or packages."""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import networkx as nx
import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"

# layer: (modules and packages in it, the layers below it that it may import); own layer allowed.
LAYERS = {
    "cli": (("sim.cli", "sim.dashboard"), ("experiments", "analysis", "model", "clearance", "agents", "records")),
    "experiments": (("sim.experiments", "sim.report", "sim.compose", "sim.bench", "sim.bare_simpy", "sim.catalogue",
                     "sim.api", "sim.userfiles", "sim", "sim.calibration"),  # sim: the package's facade
                    ("analysis", "model", "clearance", "agents", "records")),
    "analysis": (("sim.analysis", "sim.figures"), ("records",)),  # saved tables only, never the model
    "model": (("sim.model", "sim.validation", "sim.ledger", "sim.snapshot", "sim.capacity", "sim.feed", "sim.scoring",
               "sim.burden", "sim.resilience", "sim.watch", "sim.release_times"),
              ("clearance", "agents", "records")),
    "clearance": (("sim.clearance", "sim.policies", "sim.events"), ("agents", "records")),
    "agents": (("sim.agents", "sim.behaviour", "sim.declarations", "sim.learning", "sim.goods", "sim.redress"),
               ("records",)),
    "records": (("sim.version", "sim.records", "sim.metrics", "sim.config", "sim.run_config", "sim.schema",
                 "sim.calendar", "sim.streams", "sim.output", "sim.claims", "sim.manifest", "sim.sizing",
                 "sim.redress.schema", "sim.behaviour_settings"), ()),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SIM.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The ``sim`` modules a file imports, anywhere in it (``from sim import output`` -> sim.output)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "sim"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sim":
            subs = {f"{node.module}.{a.name}" for a in node.names} & known
            found |= subs or {node.module}
    return found


@functools.cache
def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(path, set(mods)) - {name} for name, path in mods.items()}


def layer_of(module: str) -> str:
    matches = [(len(prefix), layer) for layer, (prefixes, _) in LAYERS.items() for prefix in prefixes
               if module == prefix or (prefix != "sim" and module.startswith(prefix + "."))]
    assert matches, f"{module} is in no layer: add it to LAYERS in {__file__}"
    return max(matches)[1]


def cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one node."""
    graph = nx.DiGraph([(v, w) for v, ws in edges.items() for w in ws])
    return [c for c in nx.strongly_connected_components(graph) if len(c) > 1]


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_the_graph_is_read():
    edges = graph()
    assert "sim.model" in edges["sim.experiments.replications"], "module-level imports are found"
    assert "sim.bench" in edges["sim.cli.listing"], "imports inside functions are found"
    assert "sim.output" in edges["sim.experiments.jobs"], "from sim import output is an import of sim.output"


def test_no_import_cycle_among_modules():
    found = cycles(graph())
    assert not found, f"import cycles among sim modules: {[sorted(c) for c in found]}"


def test_no_import_cycle_among_packages():
    edges: dict[str, set[str]] = {}
    for module, targets in graph().items():
        edges.setdefault(package_of(module), set()).update(package_of(t) for t in targets if package_of(t) != "sim")
    for edge_set in edges.values():
        edge_set.discard("sim")
    found = cycles({k: v - {k} for k, v in edges.items()})
    assert not found, f"import cycles among sim packages: {[sorted(c) for c in found]}"


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_go_only_downwards(module):
    layer = layer_of(module)
    allowed = {layer, *LAYERS[layer][1]}
    upward = sorted(t for t in graph()[module] if layer_of(t) not in allowed)
    assert not upward, (f"{module} (layer {layer}) imports {upward} "
                        f"(layers {[layer_of(t) for t in upward]}); it may import only {sorted(allowed)}")


def test_a_cycle_and_an_upward_import_would_be_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}], "a 3-cycle is found"
    assert layer_of("sim.figures.styling") == "analysis" and "model" not in LAYERS["analysis"][1], \
        "figures may not import the model"
    with pytest.raises(AssertionError, match="in no layer"):
        layer_of("sim.not_listed")
