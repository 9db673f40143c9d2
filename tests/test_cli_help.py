"""The command line as a tool: --help on every command (with the config groups and their options),
--version, tradesim list with full descriptions and each policy's parameters; a mistake in the
command's own grammar is one line, exit code 2, before any work."""
from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest

from sim import __version__
from sim.catalogue import experiments, opening_sentence, options
from sim.cli import COMMANDS, main
from sim.compose import CONFIG_DIR
from sim.policies import REGISTRY


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(capsys, command):
    assert main([command, "--help"]) == 0, f"tradesim {command} --help exits 0"
    out = capsys.readouterr().out
    assert out.startswith(f"usage: tradesim {command}"), f"a usage line first: {out[:80]!r}"
    assert COMMANDS[command].description.split()[0] in out, "what the command does"
    assert "examples:" in out, "with examples"


@pytest.mark.parametrize("command", ["run", "compare"])
def test_run_and_compare_help_list_the_groups_and_their_options(capsys, command):
    assert main([command, "-h"]) == 0, f"tradesim {command} -h exits 0"
    out = capsys.readouterr().out
    groups = out.split("config groups", 1)[1]
    for group in ("scenario", "world", "population", "policy", "run"):
        names = [name for name, _ in options(group)]
        assert names, f"the {group} group has options"
        listed = re.split(r"\n  \S", groups.split(f"\n  {group}=", 1)[1])[0]
        flat = " ".join(listed.split())
        assert all(name in flat for name in names), f"{group}= lists all its options {names}: {flat}"
    assert "baseline_2024 (default)" in out and "path to your own .yaml file" in " ".join(out.split()), \
        "the default scenario, and own files"
    assert "run.replications=" in out and "default 3" in out, "run settings with their defaults"
    if command == "compare":
        assert "experiment=NAME|PATH" in out and "scenarios=[a,b,...]" in out, "compare's own settings"


def test_help_after_overrides_and_version(capsys):
    assert main(["run", "run=smoke", "--help"]) == 0, "--help anywhere on the line"
    assert capsys.readouterr().out.startswith("usage: tradesim run"), "prints the help, runs nothing"
    for flag in ("--version", "-V"):
        assert main([flag]) == 0, f"{flag} exits 0"
        assert capsys.readouterr().out.strip() == f"tradesim {__version__}", "prints the version"
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(f"  {name} " in out for name in COMMANDS), "the overview lists every command"


def test_the_console_script_prints_help(tmp_path):
    out = subprocess.run([sys.executable, "-c", "import sys; from sim.cli import main; sys.exit(main())",
                          "run", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0 and "config groups" in out.stdout, f"help in a fresh process: {out.stderr[-300:]}"


@pytest.mark.parametrize("args, says", [
    (["run", "--frobnicate"], "--frobnicate: not an option of tradesim run (options: -h, --help, -m, --multirun"),
    (["compare", "-m", "experiment=smoke_pilot"], "-m: not an option of tradesim compare (options: -h, --help;"),
    (["list", "policies", "sandbx"], "no policy named 'sandbx'"),
    (["list", "things"], "usage: tradesim list"),
])
def test_grammar_mistakes_are_one_line(capsys, tmp_path, monkeypatch, args, says):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2, f"{args}: exit code 2"
    err = capsys.readouterr().err
    assert err.startswith("tradesim: error: ") and err.count("\n") == 1, f"one line: {err!r}"
    assert says in err, f"says what is wrong: {err!r}"
    assert not any(tmp_path.iterdir()), "nothing written"


def test_list_policies_name_prints_every_parameter(capsys):
    for name, cls in REGISTRY.items():
        assert main(["list", "policies", name]) == 0, f"tradesim list policies {name}"
        out = capsys.readouterr().out
        assert out.startswith(f"{name}: {cls.description}"), "the full description first"
        for f in dataclasses.fields(cls.Params):
            assert f"  {f.name} = " in out, f"{name}: parameter {f.name} with its default"
            doc = " ".join(f.metadata.get("doc", "").split())
            assert doc in " ".join(out.split()), f"{name}.{f.name}: its whole doc"
    main(["list", "policies", "sandbox"])
    out = capsys.readouterr().out
    assert "daily_cap = 200   (unit: declarations/day/port; range: [0, inf])" in out, "default, unit, range"
    assert "check_multiplier = 0.2   (range: [0, 1])" in out, "a share's range"


def test_list_descriptions_are_whole_sentences(capsys):
    assert main(["list"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    for group in ("world", "population", "policy", "run"):
        for name, text in options(group):
            assert text.endswith((".", ")")), f"{group}/{name}: a whole sentence, not cut: {text!r}"
            assert text in out, f"{group}/{name} listed in full"
    for name, question in experiments():
        assert question in out, f"experiment {name}: its whole question"
    path = CONFIG_DIR / "population" / "national.yaml"
    assert opening_sentence(path).endswith("world=national; assumption)."), "a sentence over two lines"
