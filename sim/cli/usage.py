"""The command line's own grammar and help: ``tradesim --help``, ``tradesim COMMAND --help`` (with
the Hydra config groups and their options, the run settings and examples) and the check of a
command's options (argparse), before any work. Settings stay Hydra overrides (``key=value``),
passed on unchanged to the command.
"""
from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass

from sim.cli.errors import UserError

WIDTH = 100
OVERRIDES = ("Hydra overrides: GROUP=OPTION picks a preset (or scenario=path/to/file.yaml), "
             "a.b.c=VALUE sets a value, +a.b=VALUE adds an entry (e.g. a pilot policy), ~a.b removes one")
# compare's own settings (the rest are Hydra overrides applied to every run)
COMPARE_OPTIONS = (
    ("experiment=NAME|PATH", "an experiment of the library (tradesim list experiments) or your own .yaml file"),
    ("scenarios=[a,b,...]", "scenario names or paths to .yaml files, each against the baseline"),
    ("resume=true", "continue the latest folder of the experiment (or give hydra.run.dir=DIR)"),
    ("report=false", "write the tables only, no figures and report"),
    ("placebo=false", "skip the baseline on other seeds (the placebo of the paired DiD)"),
    ("plan=true", "also say how many replications a target precision needs (auto.* settings)"),
    ("uncertainty=K", "also run K parameter sets drawn from the declared ranges (params=[a,b] picks them, "
                      "parameters=FILE declares them): intervals with parameter uncertainty, labelled apart"),
    ("run.replications=auto", "add replications until the effect is precise enough: auto.metric, "
                              "auto.half_width, auto.port_group, auto.start, auto.max_replications"),
)


@dataclass(frozen=True)
class Command:
    """One ``tradesim`` command: ``target`` ("module:function", called with the command's arguments
    as a list of strings), a one-line ``summary``, the ``description`` of its --help, the
    ``arguments`` it takes, its own flag ``options`` ((flags, help), ...), whether its help lists
    the config ``groups``, ``own`` key=value settings ("compare") and ``examples``."""
    target: str
    summary: str
    description: str = ""
    arguments: str = "[key=value ...]"
    options: tuple = ()
    groups: bool = False
    own: str = ""
    examples: tuple[str, ...] = ()


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake reported as one line (exit code 2) by the caller."""

    def error(self, message: str):
        raise UserError(f"{self.prog}: {message} (see {self.prog} --help)")


def _block(title: str, rows: list[tuple[str, str]], column: int = 24) -> str:
    from sim.catalogue import entry
    return "\n".join([title, *(entry(name, text, 2, column) for name, text in rows)])


def groups_help() -> str:
    """The config groups with their options (default marked) and the run settings."""
    from sim.catalogue import GROUPS, defaults, options
    chosen = defaults()
    rows = []
    for group in GROUPS:
        names = [name + (" (default)" if name == chosen.get(group) else "") for name, _ in options(group)]
        extra = ", or a path to your own .yaml file" if group == "scenario" else ""
        rows.append((f"{group}=", ", ".join(names) + extra))
    return "\n\n".join([
        _block("config groups (GROUP=OPTION; tradesim list shows what each option is):", rows),
        _block("run settings:", run_settings()),
        textwrap.fill("every other setting: docs/configuration.md and the presets themselves (each number "
                      "with its source), e.g. world.horizon_quarters=4 world.start=2025-01-01 "
                      "population.enterprises=500", WIDTH)])


def run_settings() -> list[tuple[str, str]]:
    """run.* settings with their meaning, unit, range and default (from configs/run/default.yaml)."""
    import dataclasses

    import yaml

    from sim.catalogue import _range, _value
    from sim.compose import CONFIG_DIR
    from sim.run_config import RunConfig
    preset = yaml.safe_load((CONFIG_DIR / "run" / "default.yaml").read_text())
    words = {"replications": "independent replications, seeds spawned from run.seed",
             "seed": "the seed of every replication's random streams",
             "workers": "jobs at the same time on run.executor (results are identical for any number)"}
    rows = []
    for f in dataclasses.fields(RunConfig):
        meta = f.metadata
        facts = ", ".join(x for x in (meta.get("unit"), _range(meta), f"default {_value(preset.get(f.name))}") if x)
        rows.append((f"run.{f.name}=", f"{words.get(f.name) or meta.get('doc')} ({facts})"))
    return rows


def command_help(name: str, command: Command) -> str:
    """The --help text of a command."""
    return _parser(name, command).format_help()


def _epilog(command: Command) -> str:
    parts = []
    if command.own == "compare":
        parts.append(_block("compare settings:", list(COMPARE_OPTIONS)))
    if command.groups:
        parts.append(groups_help())
    if command.examples:
        parts.append("examples:\n" + "\n".join(f"  {e}" for e in command.examples))
    return "\n\n".join(parts)


def _parser(name: str, command: Command) -> Parser:
    flags = "".join(f" [{option[0][0]}]" for option in command.options)
    parser = Parser(prog=f"tradesim {name}", usage=f"%(prog)s [-h]{flags} {command.arguments}",
                    description=textwrap.fill(command.description, WIDTH), epilog=_epilog(command),
                    formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    for flags, text in command.options:
        parser.add_argument(*flags, action="store_true", help=text)
    parser.add_argument("arguments", nargs="*", metavar="key=value" if command.groups else "ARGUMENT",
                        help=OVERRIDES if command.groups else "see the usage line above")
    return parser


def parse(name: str, command: Command, args: list[str]) -> bool:
    """Check ``args`` against the command's grammar; False when --help was printed (nothing to run)."""
    if not any(a.startswith("-") for a in args):
        return True  # plain key=value arguments: nothing for argparse to do (no import cost)
    known = ["-h", "--help", *(flag for flags, _ in command.options for flag in flags)]
    unknown = [a for a in args if a.startswith("-") and a not in known]
    if unknown:
        raise UserError(f"{unknown[0]}: not an option of tradesim {name} (options: {', '.join(known)}; "
                        f"settings are key=value)")
    try:
        _parser(name, command).parse_intermixed_args(args)
    except SystemExit as exc:  # argparse printed the help
        if exc.code:
            raise
        return False
    return True


def overview(commands: dict[str, Command]) -> str:
    """``tradesim --help``."""
    rows = [(name, command.summary) for name, command in commands.items()]
    return "\n\n".join([
        "usage: tradesim [-h] [-V] COMMAND [-h] [key=value ...]",
        "tradesim: a simulator of customs supervision - test inspection, credit-tier and sandbox pilots "
        "before rollout.",
        _block("commands (tradesim COMMAND --help for each):", rows, 12),
        "options:\n  -h, --help     this text\n  -V, --version  the version",
        "examples:\n  tradesim run run=smoke\n  tradesim compare experiment=smoke_pilot\n"
        "  tradesim list policies sandbox\n  tradesim report results/experiments/smoke_pilot/<time>"])
