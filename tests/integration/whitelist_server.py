"""A loopback stand-in for the Ministry of Finance's VAT White List API, answering its way."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from tests.integration.http_gateway import Answer, Request

_ids = itertools.count(1)


def subject(nip: str, name: str, status: str = "Czynny", accounts: tuple[str, ...] = ()) -> Any:
    """A ``result.subject`` as the registry writes it (the fields Inkaso reads, and a few more)."""
    return {
        "name": name,
        "nip": nip,
        "statusVat": status,
        "regon": "012345678",
        "krs": None,
        "residenceAddress": None,
        "workingAddress": "UL. PROSTA 1, 00-001 WARSZAWA",
        "accountNumbers": list(accounts),
        "hasVirtualAccounts": False,
        "registrationLegalDate": "2015-03-01",
        "removalDate": None,
    }


def registry(subjects: dict[str, Any]) -> Callable[[Request], Answer]:
    """Answers /api/search/nip/{nip} and /api/search/nips/{a,b,...} from ``subjects``; a NIP not
    there is not registered (``subject: null``), as the real API answers."""

    def respond(request: Request) -> Answer:
        request_id = f"a1b2c-{next(_ids):04d}"
        stamp = "01-12-2026 12:00:00"
        if request.path.startswith("/api/search/nip/"):
            nip = request.path.rsplit("/", 1)[1]
            if not (nip.isdigit() and len(nip) == 10):
                return Answer(
                    400, {"code": "WL-113", "message": "Pole 'NIP' ma nieprawidłową długość."}
                )
            return Answer(
                200,
                {
                    "result": {
                        "subject": subjects.get(nip),
                        "requestId": request_id,
                        "requestDateTime": stamp,
                    }
                },
            )
        if request.path.startswith("/api/search/nips/"):
            nips = request.path.rsplit("/", 1)[1].split(",")
            if len(nips) > 30:
                return Answer(400, {"code": "WL-115", "message": "Za dużo numerów."})
            entries = [
                {"identifier": n, "subjects": [subjects[n]] if n in subjects else []} for n in nips
            ]
            return Answer(
                200,
                {"result": {"entries": entries, "requestId": request_id, "requestDateTime": stamp}},
            )
        return Answer(404, {"code": "WL-404", "message": "Not found"})

    return respond
