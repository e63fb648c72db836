"""Message templates: the data a template sees, the sandboxed renderer and the shipped defaults."""

from desktop_app.messaging.context import (
    BankAccount,
    CurrencyDue,
    Item,
    Party,
    Person,
    SentReminder,
    TemplateContext,
    totals_by_currency,
)
from desktop_app.messaging.defaults import (
    MessageTemplate,
    RenderedMessage,
    list_defaults,
    load_default,
    render_message,
)
from desktop_app.messaging.templates import TemplateProblem, render, validate

__all__ = [
    "BankAccount",
    "CurrencyDue",
    "Item",
    "MessageTemplate",
    "Party",
    "Person",
    "RenderedMessage",
    "SentReminder",
    "TemplateContext",
    "TemplateProblem",
    "list_defaults",
    "load_default",
    "render",
    "render_message",
    "totals_by_currency",
    "validate",
]
