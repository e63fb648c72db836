"""What an operation changed, by kind of data (after Anki's ``OpChanges``).

A front end announces the kinds once after each data change (its own operations, a dunning run)
and every open view re-reads what it shows when a kind it shows is among them, instead of views
telling each other. The kinds are coarse on purpose: a view that shows a kind re-reads it whole.
"""

from __future__ import annotations

import enum


class Change(enum.Flag):
    NONE = 0
    #: contractors: names, addresses, contacts, tags, terms, a pause of collection
    CONTRACTORS = enum.auto()
    #: invoices and instalments, and what marks them: disputes, pauses, hand-overs
    INVOICES = enum.auto()
    #: payments and what they are allocated to
    PAYMENTS = enum.auto()
    #: promises to pay (made, cancelled, kept, broken)
    PROMISES = enum.auto()
    #: messages written, sent, failed, cancelled or resolved, and the dunning log
    OUTBOX = enum.auto()
    TASKS = enum.auto()
    #: dunning scenarios, and which one is the default
    SCENARIOS = enum.auto()
    #: the firm's wording of messages
    TEMPLATES = enum.auto()
    #: settings: channels, sending hours, the schedule, the pause of all sending
    SETTINGS = enum.auto()
    #: the firm's own details and bank accounts
    FIRM = enum.auto()
    #: letters to print: queued, printed, posted by registered mail (and the logo they carry)
    LETTERS = enum.auto()
    #: the people working in Inkaso: names, logins, roles, absences and deputies
    USERS = enum.auto()
