"""inkaso mapping list|show|save|delete|preview (column mappings of CSV/XLSX imports)"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from desktop_app.cli.context import Context, json_flag, whole_number
from desktop_app.domain.dates import format_day
from desktop_app.domain.money import format_money
from desktop_app.i18n import _
from desktop_app.importers.column_mapping import load_mapping_file
from desktop_app.importers.records import BankLine
from desktop_app.importers.tabular import PreviewRow, preview
from desktop_app.services import import_mappings


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("mapping", help=_("column mappings for CSV and XLSX imports"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    lst = actions.add_parser("list", help=_("list the ready and the saved mappings"))
    json_flag(lst)
    lst.set_defaults(handler=list_mappings)
    show = actions.add_parser("show", help=_("print a mapping as JSON (a mapping file)"))
    show.add_argument("name")
    show.set_defaults(handler=show_mapping)
    save = actions.add_parser("save", help=_("save a mapping file under a name"))
    save.add_argument("file", type=Path)
    save.add_argument("--name", help=_("the name to save it under (default: the file's)"))
    save.set_defaults(handler=save_mapping)
    delete = actions.add_parser("delete", help=_("delete a saved mapping"))
    delete.add_argument("name")
    delete.set_defaults(handler=delete_mapping)
    look = actions.add_parser("preview", help=_("show how a file's first rows would be read"))
    look.add_argument("path", type=Path)
    look.add_argument("--mapping", metavar="NAME|FILE", help=_("a saved mapping or a file"))
    look.add_argument("--encoding", metavar="E", help=_("the file's encoding (default: detected)"))
    look.add_argument("--rows", type=whole_number(1, 1000), default=10, help=_("rows to show"))
    json_flag(look)
    look.set_defaults(handler=preview_file)


def list_mappings(ctx: Context) -> int:
    rows = import_mappings.list_mappings(ctx.db)
    if ctx.json:
        ctx.emit_json(
            [
                {"name": m.name, "kind": m.kind, "ready": m.ready, "description": m.description}
                for m in rows
            ]
        )
        return 0
    ctx.table(
        [_("Name"), _("Rows"), _("Ready"), _("Description")],
        [
            (
                m.name,
                _("invoices") if m.kind == "invoice" else _("bank"),
                "*" if m.ready else "",
                m.description,
            )
            for m in rows
        ],
        right=set(),
    )
    return 0


def show_mapping(ctx: Context) -> int:
    found = import_mappings.get_mapping(ctx.db, ctx.args.name)
    ctx.line(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
    return 0


def save_mapping(ctx: Context) -> int:
    mapping = load_mapping_file(ctx.args.file)
    name = import_mappings.save_mapping(ctx.db, mapping, name=ctx.args.name)
    ctx.line(_("Saved mapping {name}").format(name=name))
    return 0


def delete_mapping(ctx: Context) -> int:
    import_mappings.delete_mapping(ctx.db, ctx.args.name)
    ctx.line(_("Deleted mapping {name}").format(name=ctx.args.name))
    return 0


def preview_file(ctx: Context) -> int:
    a = ctx.args
    mapping = import_mappings.resolve_mapping(ctx.db, a.mapping) if a.mapping else None
    shown = preview(a.path, mapping, encoding=a.encoding, rows=a.rows)
    if ctx.json:
        ctx.emit_json(
            {
                "kind": shown.kind,
                "encoding": shown.encoding,
                "delimiter": shown.delimiter,
                "header_row": shown.header_row,
                "columns": list(shown.columns),
                "mapped": shown.mapped,
                "problem": shown.problem,
                "rows": [_row_json(r) for r in shown.rows],
            }
        )
        return 0
    details: list[str] = [shown.kind]
    if shown.encoding:
        details.append(shown.encoding)
    if shown.delimiter:
        details.append(_("separator {sep}").format(sep=repr(shown.delimiter)))
    ctx.line(", ".join(details))
    if shown.problem:
        ctx.line(shown.problem)
    if shown.header_row is not None:
        ctx.line(
            _("Header (row {row}): {columns}").format(
                row=shown.header_row, columns=" | ".join(shown.columns)
            )
        )
    for row in shown.rows:
        ctx.line(f"{row.number}: {_row_text(row)}")
    return 0


def _row_text(row: PreviewRow) -> str:
    if row.error:
        return row.error
    if row.note:
        return row.note
    record = row.record
    if record is None:
        return " | ".join(row.cells)
    if isinstance(record, BankLine):
        amount = format_money(record.amount_minor, record.currency)
        return " | ".join(
            p for p in (format_day(record.date), amount, record.payer_name, record.title) if p
        )
    amount = format_money(record.gross_minor, record.currency)
    return " | ".join((record.number, format_day(record.issue_date), amount, record.buyer.name))


def _row_json(row: PreviewRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "row": row.number,
        "cells": list(row.cells),
        "error": row.error,
        "note": row.note,
    }
    record = row.record
    if isinstance(record, BankLine):
        out["bank_line"] = {
            "date": record.date.isoformat(),
            "amount_minor": record.amount_minor,
            "currency": record.currency,
            "payer": record.payer_name,
            "title": record.title,
        }
    elif record is not None:
        out["invoice"] = {
            "number": record.number,
            "issue_date": record.issue_date.isoformat(),
            "gross_minor": record.gross_minor,
            "currency": record.currency,
            "buyer": record.buyer.name,
            "due_dates": [
                i.due_date.isoformat() if i.due_date else None for i in record.instalments
            ],
        }
    return out
