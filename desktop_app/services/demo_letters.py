"""Demand letters in the lived-in demo: what the account managers of the worst debtors would
have put in "Letters to print" at the scenario's manager step, made the real way.

Each letter is built by ``services.letters`` as of the day of that step (the invoices of the
step, what was open then), rendered to its PDF outside any transaction and queued with its
activity entry stamped on that day; the older ones were printed that day and posted by
registered mail the next, the most recent still wait in the queue as a new one would.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from db.uow import Database
from desktop_app.errors import InkasoError
from desktop_app.services import letter_queue
from desktop_app.services.demo_history import LetterWish
from desktop_app.services.letters import Built, LetterRequest, build_letter, load_sources

log = logging.getLogger(__name__)

#: how many of the worst debtors get a letter: enough to fill the queue, each PDF costs time
HANDFUL = 6
#: letters written more recently than this still wait to be posted (the newest one unprinted)
WAITING_DAYS = 10
#: when the account manager wrote, printed and posted them (naive UTC, like every log entry)
WRITTEN_AT = dt.time(10, 30)
PRINTED_AT = dt.time(11, 15)
POSTED_AT = dt.time(9, 40)


def queue_demo_letters(db: Database, wishes: Sequence[LetterWish], today: dt.date) -> list[int]:
    """Queue demand letters for the :data:`HANDFUL` worst debtors among ``wishes``; returns the
    queued letters' ids. A letter whose conditions do not hold that day is left out."""
    chosen = sorted(wishes, key=lambda w: (-w.overdue, w.contractor_id))[:HANDFUL]
    if not chosen:
        return []
    sources = load_sources(db)
    built: list[tuple[LetterWish, Built]] = []
    with db.read() as session:
        for wish in chosen:
            request = LetterRequest("demand", wish.contractor_id, wish.day, wish.numbers)
            try:
                built.append((wish, build_letter(session, request, sources)))
            except InkasoError as exc:  # e.g. paid since: the demo simply has one letter less
                log.debug("no demo letter for contractor %d: %s", wish.contractor_id, exc)
    rendered = [(wish, b, letter_queue.letter_pdf_of(b)) for wish, b in built]
    queued: list[tuple[LetterWish, int]] = []
    with db.write() as session:
        for wish, b, pdf in rendered:
            at = dt.datetime.combine(wish.day, WRITTEN_AT)
            letter_id = letter_queue.queue_letter(
                session, b, pdf, key=wish.key, actor=wish.actor, at=at
            )
            queued.append((wish, letter_id))
    newest = max(wish.day for wish, _id in queued) if queued else None
    for wish, letter_id in queued:
        if wish.day == newest:
            continue  # just written: waits to be printed
        letter_queue.mark_printed(db, [letter_id], now=dt.datetime.combine(wish.day, PRINTED_AT))
        posted = wish.day + dt.timedelta(days=1)
        if (today - wish.day).days > WAITING_DAYS and posted <= today:
            letter_queue.mark_registered(
                db,
                letter_id,
                day=posted,
                today=today,
                actor=wish.actor,
                at=dt.datetime.combine(posted, POSTED_AT),
            )
    return [letter_id for _wish, letter_id in queued]
