"""Uncertain parameters, declared once (``calibration/parameters.yaml``) and read by
``tradesim calibrate``, ``tradesim sensitivity`` and ``tradesim compare ... uncertainty=K``.

A :class:`Parameter` names one config key (its ``path``), its declared range and prior
(uniform or log-uniform), unit, mechanism and source. Values are applied to a composed config
as data (:func:`with_values`) and the result is validated like any config, so a range that the
schema does not allow is refused before any run.
"""
from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from sim.config import Config, ConfigError

PRIORS = ("uniform", "loguniform")
FIELDS = ("path", "low", "high", "prior", "unit", "mechanism", "source")


@dataclass(frozen=True)
class Parameter:
    """One uncertain config value and its declared range."""
    name: str
    path: str
    low: float
    high: float
    prior: str = "uniform"
    unit: str = ""
    mechanism: str = ""
    source: str = ""

    def from_unit(self, u: np.ndarray | float) -> np.ndarray | float:
        """The value at the quantile ``u`` in [0, 1] of the prior (clipped: exp(log) may overshoot)."""
        if self.prior == "loguniform":
            value = np.exp(np.log(self.low) + np.asarray(u) * (np.log(self.high) - np.log(self.low)))
        else:
            value = self.low + np.asarray(u) * (self.high - self.low)
        return np.clip(value, self.low, self.high)

    def distribution(self):
        """The Optuna distribution of the search."""
        from optuna.distributions import FloatDistribution
        return FloatDistribution(self.low, self.high, log=self.prior == "loguniform")


def _number(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{where}: must be a finite number; got {value!r}")
    return float(value)


def parse_parameter(where: str, name: str, data: Any) -> Parameter:
    """A :class:`Parameter` from its YAML entry; every mistake is one line naming the key."""
    from sim.validation import check_name
    check_name(where, name)
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: must be a mapping with keys {', '.join(FIELDS)}; got {data!r}")
    unknown = sorted(map(str, set(data) - set(FIELDS)))
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown key; allowed: {', '.join(FIELDS)}")
    for key in ("path", "low", "high", "source"):
        if key not in data:
            raise ConfigError(f"{where}.{key}: missing; every parameter needs path, low, high and source")
    low, high = _number(f"{where}.low", data["low"]), _number(f"{where}.high", data["high"])
    prior = data.get("prior", "uniform")
    if prior not in PRIORS:
        raise ConfigError(f"{where}.prior: must be one of {', '.join(PRIORS)}; got {prior!r}")
    if not low < high:
        raise ConfigError(f"{where}.high: must be above low ({low:g}); got {high:g}")
    if prior == "loguniform" and low <= 0:
        raise ConfigError(f"{where}.low: a loguniform prior needs low > 0; got {low:g}")
    path = data["path"]
    if not isinstance(path, str) or path.split(".")[0] not in ("world", "population"):
        raise ConfigError(f"{where}.path: must be a config key under world or population; got {path!r}")
    texts = {key: str(data.get(key, "")) for key in ("unit", "mechanism", "source")}
    return Parameter(name=name, path=path, low=low, high=high, prior=prior, **texts)


def load_parameters(path: Path) -> dict[str, Parameter]:
    """The declared parameters of ``path`` (a parameters file), by name."""
    from sim.userfiles import check_data, read_yaml
    if not Path(path).is_file():
        raise ConfigError(f"parameters: no parameters file at {path}")
    data = read_yaml(Path(path), "parameters file")
    check_data(str(path), data)
    if set(data) != {"parameters"} or not isinstance(data["parameters"], dict) or not data["parameters"]:
        raise ConfigError(f"{path}: must hold one key, parameters: a non-empty mapping name -> entry")
    params = {str(name): parse_parameter(f"{path}: parameters.{name}", str(name), entry)
              for name, entry in data["parameters"].items()}
    paths = [p.path for p in params.values()]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        raise ConfigError(f"{path}: {twice[0]}: declared by two parameters; one parameter per config key")
    return params


def select(declared: dict[str, Parameter], names: Iterable | None, key: str = "params") -> list[Parameter]:
    """The declared parameters ``names`` (all, in file order, when None)."""
    if names is None:
        return list(declared.values())
    names = [names] if isinstance(names, str) else list(names)
    if not names or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"{key}: must be a non-empty list of declared parameter names; got {names!r}")
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise ConfigError(f"{key}: {unknown[0]!r} is not a declared parameter; declared: {', '.join(declared)}")
    if len(set(names)) < len(names):
        raise ConfigError(f"{key}: each parameter once; got {', '.join(names)}")
    return [declared[n] for n in names]


def _set(cfg: Config, path: str, value: float, where: str) -> None:
    """Set the number at ``path`` (dataclass attributes and mapping keys) in ``cfg``, in place."""
    *parents, leaf = path.split(".")
    node: Any = cfg
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
        if node is None or isinstance(node, (int, float, str, list)):
            raise ConfigError(f"{where}: {path}: no such key in this config")
    if not (leaf in node if isinstance(node, dict) else hasattr(node, leaf)):
        raise ConfigError(f"{where}: {path}: no such key in this config")
    old = node.get(leaf) if isinstance(node, dict) else getattr(node, leaf)
    if not isinstance(old, float):
        raise ConfigError(f"{where}: {path}: not a real number in this config (got {old!r}); a parameter sets "
                          f"a real-valued setting")
    if isinstance(node, dict):
        node[leaf] = float(value)
    else:
        setattr(node, leaf, float(value))


def with_values(cfg: Config, params: list[Parameter], values: Iterable[float], where: str = "parameters") -> Config:
    """A copy of ``cfg`` with each parameter set to its value. Each value is inside its declared
    range, whose ends :func:`check_ranges` validated; the rules that span fields are checked again."""
    from sim.validation import check_rules
    out = copy.deepcopy(cfg)
    for param, value in zip(params, values):
        _set(out, param.path, value, where)
    check_rules(out, dataclasses.asdict(out))
    return out


def value_of(cfg: Config, param: Parameter) -> float:
    """The parameter's value in ``cfg``."""
    node: Any = dataclasses.asdict(cfg)
    for part in param.path.split("."):
        node = node[part]
    return float(node)


def check_ranges(cfg: Config, params: list[Parameter], where: str) -> None:
    """Each parameter's key exists in ``cfg`` and the ends of the declared ranges are valid settings
    (all parameters at their lows, then at their highs, validated as any config; when that fails,
    one by one to name the parameter)."""
    from sim.compose import from_mapping

    def valid(chosen: list[Parameter], end: str) -> None:
        from_mapping(dataclasses.asdict(with_values(cfg, chosen, [getattr(p, end) for p in chosen], where)))
    for end in ("low", "high"):
        try:
            valid(params, end)
        except ConfigError:
            for param in params:
                try:
                    valid([param], end)
                except ConfigError as exc:
                    raise ConfigError(f"{where}: {param.name}.{end}: not a valid setting ({exc})") from None
            raise


def lhs(params: list[Parameter], k: int, seed: int) -> np.ndarray:
    """``k`` parameter sets (rows) drawn from the priors by Latin hypercube sampling (scipy)."""
    from scipy.stats import qmc
    u = qmc.LatinHypercube(d=len(params), seed=np.random.default_rng(seed)).random(k)
    return np.column_stack([p.from_unit(u[:, i]) for i, p in enumerate(params)])
