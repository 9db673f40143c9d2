"""Composing a config from the presets in ``configs/``, a scenario and overrides (Hydra), then
validating it: what the CLI, ``tradesim bench``, the tests and Python code all call.

Hydra's and OmegaConf's errors become one :class:`~sim.config.ConfigError` line naming the key.
"""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from omegaconf import OmegaConf, open_dict
from omegaconf.errors import ConfigKeyError, MissingMandatoryValue, OmegaConfBaseException

from sim.config import Config, ConfigError
from sim.schema import scaled_counts
from sim.userfiles import GROUPS, check_preset_file, check_scenario_file
from sim.validation import check_name, check_plain, check_policies, check_rules

ROOT = Path(__file__).resolve().parents[1]  # the source checkout (in an installed copy: site-packages)
# the shipped library: sim/library links to configs/ and experiments/ in a checkout, and holds copies of
# them in an installed wheel (package data); scenarios are the configs' scenario group
LIBRARY = Path(__file__).resolve().parent / "library"
CONFIG_DIR = (LIBRARY / "configs").resolve()
SCENARIO_DIR = CONFIG_DIR / "scenario"
EXPERIMENT_DIR = (LIBRARY / "experiments").resolve()


def explain(exc: Exception) -> str:
    """One line naming the key and what is allowed, from a Hydra/OmegaConf error."""
    from hydra.errors import MissingConfigException
    if isinstance(exc, MissingConfigException):
        group, _, name = str(exc.missing_cfg_file).rpartition("/")
        options = ", ".join(exc.options or []) or "none"
        return f"{group or 'config'}: no option named {name!r}; available: {options}"
    cause = exc  # Hydra wraps OmegaConf's error, as __cause__ or as __context__
    while cause is not None and not isinstance(cause, OmegaConfBaseException):
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        return str(exc).splitlines()[0]
    key = getattr(cause, "full_key", None) or "config"
    kind = getattr(cause, "object_type", None)
    if isinstance(cause, MissingMandatoryValue):
        return f"{key}: has no value; every setting needs one (the presets in configs/ give them)"
    if isinstance(cause, (ConfigKeyError, AttributeError)):
        if dataclasses.is_dataclass(kind):
            allowed = ", ".join(f.name for f in dataclasses.fields(kind))
            return f"{key}: unknown key; allowed here: {allowed}"
        return _unknown_entry(key)
    return f"{key}: {str(cause).splitlines()[0]}"


def _unknown_entry(key: str) -> str:
    """A key missing from a free-form mapping (policies and their parameters)."""
    from sim.policies import REGISTRY
    parts = key.split(".")
    if parts[0] == "policy" and len(parts) >= 4 and parts[2] == "params":
        allowed = [f.name for f in dataclasses.fields(REGISTRY[parts[1]].Params)] if parts[1] in REGISTRY else []
        if parts[1] in REGISTRY and parts[3] not in allowed:
            return f"{key}: unknown parameter of policy {parts[1]!r}; allowed: {', '.join(allowed)}"
        return f"{key}: not set in this config (the policy's default applies); set it with +{key}=..."
    if parts[0] == "policy" and len(parts) >= 2:
        return (f"{'.'.join(parts[:2])}: no such policy entry; known policies: "
                f"{', '.join(sorted(REGISTRY))} (add an entry with +{key}=...)")
    return f"{key}: no such key here (add a new entry with +{key}=...)"


def scenario_option(value: str) -> str:
    """The ``scenario`` option Hydra should load for ``value``: a library scenario's name, or a
    path to a user's scenario file, checked to be data and registered with Hydra under a name."""
    if "/" not in value and "\\" not in value and not value.endswith((".yaml", ".yml")):
        check_name("scenario", value)
        if (SCENARIO_DIR / f"{value}.yaml").is_file():
            check_scenario_file(SCENARIO_DIR / f"{value}.yaml", CONFIG_DIR)
        return value
    path = Path(value).expanduser()
    if not path.is_file():
        raise ConfigError(f"scenario: no scenario file at {value!r} (a name of scenarios/ or a path to a .yaml file)")
    data = check_scenario_file(path, CONFIG_DIR)
    data.setdefault("scenario", path.stem)
    from hydra.core.config_store import ConfigStore
    name = "_file_" + hashlib.sha256(str(path.resolve()).encode() + path.read_bytes()).hexdigest()[:12]
    ConfigStore.instance().store(group="scenario", name=name, node=OmegaConf.create(data), package="_global_")
    return name


def preset_option(group: str, value: str) -> str:
    """The option Hydra should load for ``group=value``: a preset's name, or a path to a preset
    file (e.g. a calibrated preset written by ``tradesim calibrate``), checked to be data and
    registered with Hydra under a name in the group."""
    if not value.endswith((".yaml", ".yml")):
        try:
            return check_name(group, value)
        except ConfigError:
            raise ConfigError(f"{group}: must be a plain name (a preset of configs/{group}/) or a path to a preset "
                              f".yaml file; got {value!r}") from None
    path = Path(value).expanduser()
    if not path.is_file():
        raise ConfigError(f"{group}: no preset file at {value!r} (a plain name of configs/{group}/ or a path to a "
                          f".yaml file)")
    data = check_preset_file(path, group, CONFIG_DIR)
    from hydra.core.config_store import ConfigStore
    name = "_file_" + hashlib.sha256(str(path.resolve()).encode() + path.read_bytes()).hexdigest()[:12]
    ConfigStore.instance().store(group=group, name=name, node=OmegaConf.create(data))
    return name


def user_overrides(overrides: list[str]) -> list[str]:
    """``overrides`` with scenario files registered (``scenario=path/to/my.yaml``) and presets checked
    to be plain names; Hydra's launchers refused (jobs run on ``run.executor``)."""
    out = []
    for line in overrides:
        key, sep, value = str(line).partition("=")
        key = key.lstrip("+~")
        if key == "hydra/launcher":
            raise ConfigError(f"hydra/launcher: tradesim runs its jobs on run.executor (local, ray, slurm), "
                              f"run.workers at a time; drop {line}")
        if sep and key == "scenario":
            line = f"scenario={scenario_option(value)}"
        elif sep and key in GROUPS:
            line = f"{key}={preset_option(key, value)}"
        out.append(line)
    return out


def load_config(overrides: list[str]) -> tuple[Config, Path]:
    """Compose and validate the config; return it with the run's output folder."""
    cfg, dirs = compose_run(overrides)
    return cfg, dirs["run"]


def register_schemas() -> None:
    """Register the schema so Hydra rejects keys that do not exist."""
    from hydra.core.config_store import ConfigStore
    ConfigStore.instance().store(name="tradesim_schema", node=Config)


def _composed(overrides: list[str]):
    """Hydra's composition of ``overrides``, with its hydra node."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    if not CONFIG_DIR.is_dir():
        raise ConfigError(f"no configs at {CONFIG_DIR}: this copy of tradesim was installed without its "
                          f"package data; reinstall it (pip install . or pip install -e . in its source folder)")
    register_schemas()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            return compose("config", overrides=user_overrides(overrides), return_hydra_config=True)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(explain(exc)) from None


def compose_run(overrides: list[str]) -> tuple[Config, dict[str, Path]]:
    """The validated config and Hydra's run and sweep folders for ``overrides``."""
    composed = _composed(overrides)
    try:
        dirs = {"run": Path(composed.hydra.run.dir), "sweep": Path(composed.hydra.sweep.dir)}
        with open_dict(composed):
            del composed["hydra"]
    except OmegaConfBaseException as exc:
        raise ConfigError(explain(exc)) from None
    return validated(composed), dirs


def preset_choices(overrides: list[str]) -> dict[str, str]:
    """The preset of each config group that ``overrides`` select (e.g. world: default)."""
    return {group: str(option) for group, option in _composed(overrides).hydra.runtime.choices.items()
            if group in GROUPS}


def from_mapping(data: dict) -> Config:
    """A validated config from a plain mapping of every setting (e.g. a saved config.yaml), as
    Hydra would compose it: types by the schema, then every check."""
    try:
        composed = OmegaConf.merge(OmegaConf.structured(Config), data)
    except OmegaConfBaseException as exc:
        raise ConfigError(explain(exc)) from None
    return validated(composed)


def validated(composed) -> Config:
    """The typed, validated config of a composed Hydra config (without its hydra node)."""
    try:
        plain = OmegaConf.to_container(composed, resolve=True, throw_on_missing=True)
        check_plain(plain)
        if (k := plain["world"]["scale"]) != 1:
            plain = OmegaConf.to_container(scaled(composed), resolve=True, throw_on_missing=True)
            try:
                check_plain(plain)
            except ConfigError as exc:
                raise ConfigError(f"{exc} (after world.scale={k})") from None
        cfg: Config = OmegaConf.to_object(composed)
    except OmegaConfBaseException as exc:
        raise ConfigError(explain(exc)) from None
    check_rules(cfg, plain)
    check_policies(cfg, plain)
    check_executor(cfg)
    return cfg


EXECUTOR_PACKAGES = {"ray": "ray", "slurm": "submitit"}  # run.executor -> what its extra tradesim[<executor>] installs


def check_executor(cfg: Config) -> None:
    """Refuse an executor this machine cannot send jobs to: ray or slurm without its package, SLURM
    without sbatch (run.slurm_cluster=local runs its jobs here)."""
    import importlib.util
    import shutil
    executor = cfg.run.executor
    package = EXECUTOR_PACKAGES.get(executor)
    if package and importlib.util.find_spec(package) is None:
        raise ConfigError(f"run.executor: {executor} needs the {package} package, which is not installed: "
                          f"pip install 'tradesim[{executor}]' (or run.executor=local)")
    if executor == "slurm" and cfg.run.slurm_cluster == "slurm" and shutil.which("sbatch") is None:
        raise ConfigError("run.slurm_cluster: slurm submits with sbatch, which is not on this machine's PATH; "
                          "run.slurm_cluster=local runs the jobs here through submitit's local executor")


def scaled(composed):
    """``world.scale`` = K applied to ``composed`` (in place): K times every port's declarations
    per day, officers of each role, scanners and bays, so each server's load, hence utilisation,
    stays the same; K times the population's enterprises and smuggling networks, so each trader
    declares as often as at scale 1; K times the policies' counts (parameters marked ``scales``:
    officers a port keeps, officer-days of training, a daily volume cap), so a policy takes the
    same share; then scale 1, so the saved config reruns as it ran. Events' counts are not scaled."""
    world = composed.world
    k = world.scale
    for port in world.ports.values():
        port.declarations_per_day = port.declarations_per_day * k
        for role in port.officers:
            port.officers[role] = port.officers[role] * k
        port.scanners, port.bays = port.scanners * k, port.bays * k
    population = composed.population
    population.enterprises = population.enterprises * k
    population.smugglers.networks = population.smugglers.networks * k
    _scale_policy_counts(composed.policy, k)
    world.scale = 1
    return composed


def _scale_policy_counts(policies, k: int) -> None:
    """K times each policy entry's parameters marked ``scales``, given or default (an unknown policy or
    a malformed entry is left for validation to report)."""
    from sim.policies import REGISTRY
    for key, entry in policies.items():
        if not OmegaConf.is_dict(entry):
            continue
        cls = REGISTRY.get(entry.get("name") or key)
        params = entry.get("params")
        if cls is None or not (params is None or OmegaConf.is_dict(params)):
            continue
        counts = scaled_counts(cls.Params, params or {}, k)
        if counts:
            with open_dict(entry):
                entry.params = {**(params or {}), **counts}
