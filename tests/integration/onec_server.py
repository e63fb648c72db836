"""1C:Enterprise's standard OData interface on loopback: JSON in 1C's shapes, Cyrillic names.

It serves entity sets with ``$top``/``$skip``/``$orderby`` and the ``$filter`` forms Inkaso
sends (``Posted eq true``, ``DeletionMark eq false``, ``IsFolder eq false``, ``Date ge
datetime'…'``), single entries by ``(guid'…')``, and asks for HTTP Basic credentials.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from tests.integration.http_gateway import Answer, FakeGateway, Request, running_gateway

RUB = "9b0c8a1e-0000-11e6-80c4-000c29a1b2c3"
EMPTY = "00000000-0000-0000-0000-000000000000"


def _json(body: Any) -> str:
    """JSON with decimals written as the exact numbers 1C writes (json.dumps knows no Decimal)."""

    def mark(value: Any) -> str:
        if isinstance(value, Decimal):
            return f"<<{value}>>"
        raise TypeError(type(value).__name__)

    return re.sub(r'"<<([-0-9.E+]+)>>"', r"\1", json.dumps(body, ensure_ascii=False, default=mark))


def key() -> str:
    return str(uuid.uuid4())


@dataclass
class OneCServer:
    gateway: FakeGateway
    user: str
    password: str
    sets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """What a user types in settings: the published base's address."""
        return self.gateway.base_url + "/buh"

    def add(self, entity: str, **row: Any) -> dict[str, Any]:
        row.setdefault("Ref_Key", key())
        row.setdefault("DeletionMark", False)
        self.sets.setdefault(entity, []).append(row)
        return row

    def counterparty(self, name: str, inn: str, *, email: str | None = None) -> dict[str, Any]:
        contacts = []
        if email:
            contacts.append(
                {
                    "LineNumber": "1",
                    "Тип": "АдресЭлектроннойПочты",
                    "Представление": email,
                    "АдресЭП": email,
                }
            )
        return self.add(
            "Catalog_Контрагенты",
            Code="00-000001",
            Description=name,
            НаименованиеПолное=name,
            ИНН=inn,
            КПП="770101001",
            IsFolder=False,
            КонтактнаяИнформация=contacts,
        )

    def gets(self, entity: str) -> int:
        return sum(1 for r in self.gateway.requests if unquote(r.path).endswith("/" + entity))

    def __call__(self, request: Request) -> Answer:
        expected = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Answer(401, "", headers={"WWW-Authenticate": 'Basic realm="1C"'})
        path = unquote(request.path)
        prefix = "/buh/odata/standard.odata/"
        if not path.startswith(prefix):
            return Answer(
                404, {"odata.error": {"code": "", "message": {"lang": "ru", "value": "Не найдено"}}}
            )
        name = path.removeprefix(prefix)
        single = re.fullmatch(r"(\w+)\(guid'([0-9a-f-]+)'\)", name)
        if single:
            for row in self.sets.get(single.group(1), []):
                if row["Ref_Key"] == single.group(2):
                    return Answer(
                        200,
                        _json(
                            {
                                "odata.metadata": f"{prefix}$metadata#{single.group(1)}/@Element",
                                **row,
                            }
                        ),
                    )
            return Answer(
                404, {"odata.error": {"code": "", "message": {"lang": "ru", "value": "Не найдено"}}}
            )
        if name not in self.sets:
            return Answer(
                404,
                {
                    "odata.error": {
                        "code": "-1",
                        "message": {"lang": "ru", "value": f"Не найден {name}"},
                    }
                },
            )
        query = {k: v[0] for k, v in request.query.items()}
        assert query.get("$format") == "json"
        rows = [r for r in self.sets[name] if self._matches(r, query.get("$filter", ""))]
        order = query.get("$orderby", "Ref_Key")
        rows.sort(key=lambda r: (str(r.get(order, "")), r["Ref_Key"]))
        skip, top = int(query.get("$skip", "0")), int(query.get("$top", "1000"))
        page = rows[skip : skip + top]
        return Answer(200, _json({"odata.metadata": f"{prefix}$metadata#{name}", "value": page}))

    @staticmethod
    def _matches(row: dict[str, Any], filter_: str) -> bool:
        for part in filter_.split(" and ") if filter_ else ():
            field_, op, value = part.split(" ", 2)
            if value in ("true", "false"):
                if row.get(field_) != (value == "true"):
                    return False
            elif value.startswith("datetime'"):
                assert op == "ge"
                if str(row.get(field_, "")) < value.removeprefix("datetime'").rstrip("'"):
                    return False
            else:
                raise AssertionError(f"filter Inkaso does not send: {part}")
        return True


@contextmanager
def onec_server(
    *, user: str = "Администратор", password: str = "пароль-1С"
) -> Iterator[OneCServer]:
    holder: list[OneCServer] = []
    with running_gateway(lambda request: holder[0](request)) as gateway:
        server = OneCServer(gateway, user, password)
        holder.append(server)
        server.add(
            "Catalog_Валюты",
            Ref_Key=RUB,
            Code="643",
            Description="руб.",
            НаименованиеПолное="Российский рубль",
        )
        server.sets.setdefault("Catalog_Контрагенты", [])
        server.sets.setdefault("Catalog_ДоговорыКонтрагентов", [])
        server.sets.setdefault("Document_РеализацияТоваровУслуг", [])
        server.sets.setdefault("Document_ПоступлениеНаРасчетныйСчет", [])
        yield server
