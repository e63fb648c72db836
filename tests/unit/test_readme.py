"""The README is part of the product: its two commands, its CLI reference and its pictures."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from desktop_app.cli.main import build_parser
from desktop_app.settings import KEYS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _first_code_block() -> list[str]:
    match = re.search(r"```\w*\n(.*?)```", README, re.S)
    assert match, "README has no code block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_readme_starts_with_exactly_two_commands() -> None:
    before = README[: README.index("```")]
    assert [line for line in before.splitlines() if line.strip()] == [
        "# Inkaso — receivables and dunning for small firms"
    ]
    install_and_start, install_and_test = _first_code_block()
    assert "inkaso-gui --demo" in install_and_start
    assert install_and_test.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == _first_code_block()[1]


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    found: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(f"{prefix}{name}")
                found.extend(_commands(sub, f"{prefix}{name} "))
    return found


def test_every_command_is_documented() -> None:
    commands = _commands(build_parser())
    assert len(commands) > 30
    missing = [c for c in commands if f"`{c}" not in README and f"/ `{c.split()[-1]}" not in README]
    assert missing == []


def test_every_setting_is_documented() -> None:
    missing = [key for key in KEYS if f"`{key}`" not in README]
    assert missing == []


def test_pictures_and_links_exist() -> None:
    targets = re.findall(r"\]\(([^)#]+)\)", README)
    assert any(t.endswith(".png") for t in targets)
    missing = [t for t in targets if not t.startswith("http") and not (ROOT / t).is_file()]
    assert missing == []
