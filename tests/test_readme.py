"""The README stays short and true: at most 150 lines, the test command is CI's, the fast commands run
as written (``run=smoke``, ``list``), the others compose their configs, and the error it quotes
is the one the CLI prints."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from sim.cli import main
from sim.cli.compare import compare_experiment, compare_request
from sim.compose import load_config
from sim.experiments.definitions import variants

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(), flags=re.S)


def commands() -> list[list[str]]:
    """Every ``tradesim ...`` line of the bash blocks, split as a shell would (comments dropped)."""
    lines = [line for block in blocks("bash") for line in block.splitlines() if line.startswith("tradesim ")]
    return [shlex.split(line, comments=True)[1:] for line in lines]


def fast(args: list[str]) -> bool:
    return args[0] == "list" or (args[0] == "run" and "run=smoke" in args)


def test_short_and_its_test_command_is_cis():
    lines = README.read_text().splitlines()
    assert len(lines) <= 150, f"{README.name}: {len(lines)} lines; the reference belongs in docs/"
    quick = blocks("bash")[0].splitlines()
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert len(quick) == 2 and quick[1] == ci, f"quick start: install+run, then CI's own test line {ci!r}"
    assert quick[0].endswith("tradesim run"), "the first quick-start command runs the default scenario"
    for link in re.findall(r"\]\((docs/[^)]+)\)", README.read_text()):
        assert (ROOT / link).is_file(), f"{link}: linked from the README, must exist"


def test_fast_commands_run_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    yaml_blocks = blocks("yaml")
    name = re.search(r"^# (\S+\.yaml)", yaml_blocks[0], flags=re.M).group(1)
    (tmp_path / name).write_text(yaml_blocks[0])  # "a YAML file anywhere": here, the working folder
    ran = [args for args in commands() if fast(args)]
    assert len(ran) >= 5, f"the README shows fast commands to try: {ran}"
    for args in ran:
        assert main(args) == 0, f"tradesim {shlex.join(args)}: {capsys.readouterr().err[-500:]}"
    written = sorted(p.parent.name for p in (tmp_path / "results" / "runs").glob("*/*"))
    assert "my_pilot" in written and "inspection_targeting" in written, f"run folders: {written}"


def test_slow_commands_compose_their_configs(tmp_path, monkeypatch):
    """The long commands are not run here; their configs (and experiments) must compose."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_pilot.yaml").write_text(blocks("yaml")[0])
    slow = [args for args in commands() if not fast(args)]
    assert {a[0] for a in slow} >= {"run", "compare"}, f"slow commands: {slow}"
    for args in slow:
        if args[0] == "run":
            load_config(args[1:])
        else:
            options, auto, overrides = compare_request(args[1:])
            exp, _, overrides = compare_experiment(options, auto, overrides)
            for own in variants(exp).values():
                load_config([*own, *overrides])


def test_the_quoted_mistake_is_what_the_cli_says(capsys):
    quoted = re.search(r"\(`(tradesim: error: [^`]+)`\)", README.read_text()).group(1)
    key, value = re.search(r"error: (\S+): .*got (\S+)$", quoted).groups()
    assert main(["run", "run=smoke", f"{key}={value}"]) == 2, "a mistake exits 2"
    assert capsys.readouterr().err.strip() == quoted, "the README quotes the CLI's message exactly"


@pytest.mark.parametrize("call", ["run", "compare", "load"])
def test_the_python_lines_name_the_api(call):
    code = blocks("python")[0]
    compile(code, str(README), "exec")
    import sim
    assert f"sim.{call}(" in code and callable(getattr(sim, call)), f"sim.{call} as the README shows it"
