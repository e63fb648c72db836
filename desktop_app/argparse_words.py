"""argparse's own words ("usage:", "the following arguments are required") in the user's language.

argparse looks its words up through the ``_`` and ``ngettext`` of its own module, at the moment it
prints them, in gettext's global "messages" domain, which Inkaso does not use. Pointing those two
names at Inkaso's translations makes ``inkaso --lang pl`` say "użycie:" and name a missing
argument in Polish, instead of leaving English among Polish help texts and error sentences.

The messages below are argparse's own (CPython 3.11), listed so that our catalogues carry them;
one a newer Python words differently stays in English, nothing worse.
"""

from __future__ import annotations

import argparse

from desktop_app.i18n import N_, N_plural, _, ngettext

ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)
ARGPARSE_PLURALS = (N_plural("expected %s argument", "expected %s arguments"),)


def use_our_translations() -> None:
    """From now on argparse prints its words through Inkaso's current language."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
