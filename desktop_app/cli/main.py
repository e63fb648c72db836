"""Entry point of the ``inkaso`` command: global options, dispatch, errors and exit codes.

Exit codes: 0 success, 2 usage error (argparse), 3 bad input or data (one line on stderr),
1 an unexpected failure (one line on stderr, the traceback in the log file).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from desktop_app import __version__, argparse_words
from desktop_app.cli import commands
from desktop_app.cli.context import Context
from desktop_app.errors import InkasoError, ValidationError
from desktop_app.i18n import LANGUAGES, _, set_language
from desktop_app.logging_setup import configure_logging, log_file

log = logging.getLogger("inkaso.cli")


#: a message is one line on stderr even when it quotes a value the user typed with a line
#: break in it (everything str.splitlines() breaks at is shown as its escape instead)
_LINE_BREAKS_SHOWN = {
    ord(c): c.encode("unicode_escape").decode("ascii")
    for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
}

#: global options that take a value (the value is not the command)
_GLOBAL_WITH_VALUE = ("--db", "--lang")


def _pre_parse_language(argv: Sequence[str]) -> str | None:
    """The language must be set before the parser's help texts are translated.

    Only the global ``--lang``, before the command, is the interface's language: after the
    command, ``contractor add --lang ru`` is the language of that contractor's messages."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--lang":
            return argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if not arg.startswith("-") or arg == "--":
            return None  # the command: what follows is its own
        i += 2 if arg in _GLOBAL_WITH_VALUE else 1
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inkaso",
        description=_("Inkaso: receivables and dunning for small firms."),
    )
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help=_("database file or URL (default: INKASO_DB, then inkaso.db in the user data folder)"),
    )
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language of messages and output"))
    parser.add_argument("--version", action="version", version=f"inkaso {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.register_all(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    lang = _pre_parse_language(args_list)
    set_language(lang if lang in LANGUAGES else None)
    argparse_words.use_our_translations()
    configure_logging()
    garbled = next((a for a in args_list if not _is_text(a)), None)
    if garbled is not None:
        return _fail(
            ValidationError(
                _(
                    "The argument {value} is not UTF-8 text; set the terminal's encoding to "
                    "UTF-8 and type it again"
                ).format(value=_bytes_shown(garbled))
            )
        )
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.lang is not None and args.lang != lang:
        set_language(args.lang)  # an abbreviated option ("--la ru") that argparse understood
    ctx = Context(args)
    try:
        return int(args.handler(ctx))
    except InkasoError as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader (``| head``) went away: not an error of ours; keep Python from
        # complaining again when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:
        log.exception("unexpected error in %s", args.command)
        message = _("Unexpected error; the details are in the log file {path}")
        sys.stderr.write("inkaso: " + message.format(path=log_file()) + "\n")
        return 1
    finally:
        ctx.close()


def _fail(exc: InkasoError) -> int:
    log.info("command failed: %s", exc.message)
    sys.stderr.write(f"inkaso: {exc.message.translate(_LINE_BREAKS_SHOWN)}\n")
    return exc.exit_code


def _is_text(arg: str) -> bool:
    """False for bytes that were not UTF-8 (Python keeps them as lone surrogates): they cannot
    be stored, logged or printed, so they are refused before anything uses them."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _bytes_shown(arg: str) -> str:
    """The bytes the terminal sent (b"Za\\xbf..."), or the surrogates escaped when they are
    not bytes at all (a caller passing broken text)."""
    try:
        return ascii(arg.encode("utf-8", "surrogateescape"))[2:-1]
    except UnicodeEncodeError:
        return arg.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
