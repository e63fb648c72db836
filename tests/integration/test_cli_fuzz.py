"""Issue 6 item 21: generated command lines never crash the CLI.

Hypothesis builds argument lists from the parser itself (every command and option, so a new
one is fuzzed too) with odd values: huge and negative integers, empty strings, dates at the
ends of the calendar, long strings, unicode, /dev/zero and missing files. They run in-process
through ``main(argv)`` on a real SQLite file holding a little data. A user's mistake is exit 2
(usage) or 3 (one line); 0 is fine; 1 or a traceback is a bug.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desktop_app.cli.main import build_parser, main
from desktop_app.i18n import set_language
from desktop_app.settings import KEYS

#: commands that block (the scheduler), read standard input (secret) or reach the network
#: (send-test, remind, the KSeF and 1C syncs): their options are plain argparse, their work is
#: tested elsewhere
SKIPPED = {
    ("scheduler",),
    ("secret", "set"),
    ("send-test",),
    ("remind",),
    ("import", "ksef-api"),
    ("import", "1c"),
}
#: settings that point sending, a sync, the NBP rate fetch or the White List at a server: a
#: generated host name would be looked up
NETWORK_KEYS = tuple(
    k
    for k in KEYS
    if k.split(".")[0] in ("smtp", "sms", "voice", "rates", "whitelist", "ksef", "1c")
)

ODD = [
    "", " ", "0", "-1", "1", "2", "3", "999", str(2**31), str(2**63 - 1), str(2**63),
    "-" + str(2**63), "9" * 40, "1e309", "nan", "inf", "-0", "1.5", "1,5", "1 000,00",
    "92233720368547758.07", "9999999999.99", "10000000000", "0001-01-01", "9999-12-31",
    "1899-12-31", "2200-01-01", "2026-02-30", "2026-03-16", "2026-03-16T08:00",
    "2026-03-16T13:00+01:00", "9999-12-31T23:59", "x" * 1000, "Łódź", "𝟘𝟙", "٣", "²",
    "\u202e", "😀", "/dev/zero", "/nonexistent/scenario.yaml", ".", "5260250274",
    "526-025-02-74", "PL", "EUR", "XYZ", "pl", "ru", "a@b.example.com", "+48 501 234 567",
    "PL61109010140000071219812874", "FV/1", "gentle-email", "firm.timezone",
    "America/New_York", "A" * 300, "[" * 5000, "{}", "true", "09:00-18:00",
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.integers().map(str),
    # lone surrogates: bytes that were not UTF-8 in the real argv (NUL cannot be in one)
    st.text(st.characters(blacklist_characters="\x00"), max_size=40),
)


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaves(child, (*path, name))


COMMANDS = [(p, leaf) for p, leaf in _leaves(build_parser()) if p not in SKIPPED]


@st.composite
def command_lines(draw: st.DrawFn, db: str, odd_paths: list[str]) -> list[str]:
    path, parser = draw(st.sampled_from(COMMANDS))
    argv = ["--db", draw(st.sampled_from([db] * 12 + odd_paths))]
    if draw(st.booleans()):
        argv += ["--lang", draw(st.sampled_from(["pl", "en", "ru", "xx"]))]
    argv += list(path)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        takes_value = action.nargs != 0
        valid = list(action.choices) if action.choices else []
        value = draw(st.sampled_from(valid)) if valid and draw(st.integers(0, 3)) else draw(VALUES)
        if not action.option_strings:  # a positional
            if action.nargs == "?" and draw(st.booleans()):
                continue
            argv.append(value)
            continue
        if not (action.required or draw(st.integers(0, 2)) == 0):
            continue
        argv.append(draw(st.sampled_from(action.option_strings)))
        if takes_value:
            argv.append(value)
    if path == ("config", "set") and argv[-2] in NETWORK_KEYS:
        argv[-2] = "firm.timezone"
    return argv


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors, --help
            code = exc.code if isinstance(exc.code, int) else 2
    set_language("en")
    return code, err.getvalue()


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "inkaso.db"
    for argv in (
        ["firm", "set", "--name", "Hurtownia", "--account", "61 1090 1014 0000 0712 1981 2874"],
        ["contractor", "add", "--name", "Alfa", "--nip", "5260250274", "--email", "a@x.example.com"],
        ["contractor", "add", "--name", "Beta", "--phone", "501234567"],
        ["invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued", "2026-03-02",
         "--due", "2026-03-16", "--amount", "1000"],
        ["payment", "add", "--contractor", "1", "--date", "2026-03-20", "--amount", "100",
         "--ref", "R1"],
        ["task", "add", "--title", "Call", "--due", "2026-03-20", "--contractor", "1"],
        # `compensation` would ask NBP for a missing euro rate: offline, it says so (exit 3)
        ["config", "set", "rates.fetch", "false"],
        # `check nip` asks the White List: a closed loopback port, so it is offline (exit 3)
        ["config", "set", "whitelist.api_url", "http://127.0.0.1:9"],
    ):  # fmt: skip
        assert _run(["--db", str(path), *argv])[0] == 0
    return path


@pytest.fixture(scope="module")
def odd_paths(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("odd")
    junk = folder / "junk.db"
    junk.write_bytes(b"not a database " * 100)
    return ["/dev/zero", str(folder / "missing" / "x.db"), str(folder), str(junk)]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_command_lines_exit_0_2_or_3_without_a_traceback(
    data: st.DataObject,
    fuzz_db: Path,
    odd_paths: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # `scenario export --output Łódź` writes here
    argv = data.draw(command_lines(str(fuzz_db), odd_paths), label="argv")
    code, err = _run(argv)
    event(f"exit {code}")
    assert code in (0, 2, 3), (argv, code, err)
    assert "Traceback" not in err and "Unexpected error" not in err, (argv, err)
    if code == 3:
        assert len(err.strip().splitlines()) == 1, (argv, err)
