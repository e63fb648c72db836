"""built-in scenarios keep their texts as keys, translated when shown

Databases made before this stored a built-in scenario's title, description and step names in
the language of the first start ("Eskalacja: …" for good, even for an English user). Each text
that is still exactly a shipped translation goes back to its key (the English message id) so the
application translates it for whoever looks; what a person renamed stays as typed. The table is
the catalogues' translations as they were when this migration was written.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 22:30:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: preset name -> key -> its shipped translations
KEYS: dict[str, dict[str, list[str]]] = {
    "sms-classic": {
        "2 days before the due date": [
            "2 dni przed terminem płatności",
            "За 2 дня до срока оплаты",
        ],
        "An SMS on the issue day, 2 days before the due date, on the due date, 2 days after it and then weekly; a thank-you after payment; after 3 weeks the case is handed over to external collection.": [
            "SMS w dniu wystawienia faktury, 2 dni przed terminem płatności, w dniu terminu, 2 dni po nim, a następnie co tydzień; podziękowanie po wpłacie; po 3 tygodniach sprawa jest przekazywana do windykacji zewnętrznej.",
            "SMS в день выставления счёта, за 2 дня до срока оплаты, в день срока оплаты, через 2 дня после него и далее еженедельно; благодарность после оплаты; через 3 недели дело передаётся на внешнее взыскание.",
        ],
        "Invoice issued": ["Wystawienie faktury", "Выставление счёта"],
        "On the due date": ["W dniu terminu płatności", "В день срока оплаты"],
        "Overdue, then weekly": ["Po terminie, potem co tydzień", "Просрочка, затем еженедельно"],
        "SMS reminders (classic)": [
            "Przypomnienia SMS (klasyczne)",
            "SMS-напоминания (классические)",
        ],
    },
    "escalation": {
        "E-mail from the account manager": [
            "E-mail od opiekuna klienta",
            "Письмо от ответственного менеджера",
        ],
        "Escalation: e-mail, SMS, call, manager": [
            "Eskalacja: e-mail, SMS, telefon, opiekun",
            "Эскалация: эл. почта, SMS, звонок, менеджер",
        ],
        "SMS reminder": ["Przypomnienie SMS", "SMS-напоминание"],
        "Task for the account manager": [
            "Zadanie dla opiekuna klienta",
            "Задача для ответственного менеджера",
        ],
        "Voice call": ["Połączenie głosowe", "Голосовой звонок"],
        "When an invoice becomes overdue: an e-mail from the account manager, an SMS if it is still unpaid, then a voice call, then a task for the account manager and a line in the owner's notice.": [
            "Gdy faktura stanie się przeterminowana: e-mail od opiekuna klienta, SMS, jeśli nadal nie jest zapłacona, następnie połączenie głosowe, a potem zadanie dla opiekuna klienta i wpis w powiadomieniu dla właściciela.",
            "Когда счёт становится просроченным: письмо от ответственного менеджера, SMS, если счёт всё ещё не оплачен, затем голосовой звонок, а потом задача для ответственного менеджера и строка в уведомлении для владельца.",
        ],
    },
    "gentle-email": {
        "3 days before the due date": [
            "3 dni przed terminem płatności",
            "За 3 дня до срока оплаты",
        ],
        "E-mail only: a reminder 3 days before the due date, on the due date, weekly after it (three in all) and a final reminder 30 days after the due date.": [
            "Tylko e-mail: przypomnienie 3 dni przed terminem płatności, w dniu terminu, co tydzień po nim (łącznie trzy) oraz ostateczne przypomnienie 30 dni po terminie płatności.",
            "Только эл. почта: напоминание за 3 дня до срока оплаты, в день срока оплаты, еженедельно после него (всего три) и последнее напоминание через 30 дней после срока оплаты.",
        ],
        "Final reminder": ["Ostateczne przypomnienie", "Последнее напоминание"],
        "Gentle e-mails": ["Łagodne e-maile", "Мягкие письма"],
        "On the due date": ["W dniu terminu płatności", "В день срока оплаты"],
        "Overdue, weekly": ["Po terminie, co tydzień", "Просрочка, еженедельно"],
    },
}


def _key(text: Any, translations: dict[str, str]) -> Any:
    return translations.get(text, text) if isinstance(text, str) else text


def upgrade() -> None:
    scenario = sa.table(
        "scenario",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("title", sa.String),
        sa.column("definition", sa.JSON),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(scenario.c.id, scenario.c.name, scenario.c.title, scenario.c.definition).where(
            scenario.c.name.in_(list(KEYS))
        )
    ).all()
    for row_id, name, title, definition in rows:
        translations = {t: key for key, ts in KEYS[name].items() for t in ts}
        data = dict(definition or {})
        for field in ("title", "description"):
            if field in data:
                data[field] = _key(data[field], translations)
        data["steps"] = [
            {**step, "name": _key(step.get("name"), translations)}
            if isinstance(step, dict)
            else step
            for step in data.get("steps", [])
        ]
        bind.execute(
            sa.update(scenario)
            .where(scenario.c.id == row_id)
            .values(title=_key(title, translations), definition=data)
        )


def downgrade() -> None:
    pass  # keys read as English in an older version: nothing to undo
