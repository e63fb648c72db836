"""A KSeF API 2.0 on loopback, answering in the shapes of the official OpenAPI file.

It signs in for real: it publishes a self-signed certificate of its own RSA key, decrypts the
``token|timestampMs`` the client encrypted and checks both. Then it lists the invoices it holds
by permanent-storage date, page by page, up to its high-water mark, and serves their XML.
Tricks a test can switch on: an access token that expires after N requests, a 429 with
``Retry-After`` for chosen invoices, the HWM behind the newest invoice.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tests.integration.http_gateway import Answer, FakeGateway, Request, running_gateway

FA3 = "http://crd.gov.pl/wzor/2025/06/25/13775/"


def fa3_invoice(
    *,
    seller_nip: str,
    number: str,
    issue: dt.date,
    buyer_nip: str,
    buyer_name: str,
    gross: str,
    due: dt.date,
    paid_on: dt.date | None = None,
) -> bytes:
    """A minimal FA(3) invoice as a seller's program sends it to KSeF."""
    paid = (
        f"<Zaplacono>1</Zaplacono><DataZaplaty>{paid_on.isoformat()}</DataZaplaty>"
        if paid_on
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Faktura xmlns="{FA3}">
  <Naglowek>
    <KodFormularza kodSystemowy="FA (3)" wersjaSchemy="1-0E">FA</KodFormularza>
    <WariantFormularza>3</WariantFormularza>
    <DataWytworzeniaFa>{issue.isoformat()}T10:00:00Z</DataWytworzeniaFa>
    <SystemInfo>Inkaso test</SystemInfo>
  </Naglowek>
  <Podmiot1>
    <DaneIdentyfikacyjne><NIP>{seller_nip}</NIP><Nazwa>Hurtownia Pol-Mak</Nazwa></DaneIdentyfikacyjne>
    <Adres><KodKraju>PL</KodKraju><AdresL1>ul. Fabryczna 5</AdresL1><AdresL2>00-001 Warszawa</AdresL2></Adres>
  </Podmiot1>
  <Podmiot2>
    <DaneIdentyfikacyjne><NIP>{buyer_nip}</NIP><Nazwa>{buyer_name}</Nazwa></DaneIdentyfikacyjne>
    <Adres><KodKraju>PL</KodKraju><AdresL1>ul. Żółkiewskiego 7</AdresL1><AdresL2>90-001 Łódź</AdresL2></Adres>
    <JST>2</JST><GV>2</GV>
  </Podmiot2>
  <Fa>
    <KodWaluty>PLN</KodWaluty>
    <P_1>{issue.isoformat()}</P_1>
    <P_2>{number}</P_2>
    <P_6>{issue.isoformat()}</P_6>
    <P_15>{gross}</P_15>
    <Adnotacje>
      <P_16>2</P_16><P_17>2</P_17><P_18>2</P_18><P_18A>2</P_18A>
      <Zwolnienie><P_19N>1</P_19N></Zwolnienie>
      <NoweSrodkiTransportu><P_22N>1</P_22N></NoweSrodkiTransportu>
      <P_23>2</P_23>
      <PMarzy><P_PMarzyN>1</P_PMarzyN></PMarzy>
    </Adnotacje>
    <RodzajFaktury>VAT</RodzajFaktury>
    <Platnosc>
      {paid}
      <TerminPlatnosci><Termin>{due.isoformat()}</Termin></TerminPlatnosci>
      <FormaPlatnosci>6</FormaPlatnosci>
    </Platnosc>
  </Fa>
</Faktura>
""".encode()


@dataclass
class StoredInvoice:
    ksef_number: str
    number: str
    stored_at: dt.datetime
    xml: bytes
    seller_nip: str


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass
class KsefServer:
    gateway: FakeGateway
    nip: str
    token: str
    invoices: list[StoredInvoice] = field(default_factory=list)
    #: the newest moment below which everything is stored for good; None: now
    hwm: dt.datetime | None = None
    #: the access token in use expires after this many authorised requests (once)
    expire_after: int | None = None
    #: invoices whose first download is answered 429 with this Retry-After
    throttled: set[str] = field(default_factory=set)
    retry_after: int = 1
    #: the most invoices one metadata page holds, whatever pageSize the client asks
    max_page: int = 250
    #: the next sign-in finds the key rotated (error 21470 for the key it encrypted with)
    rotate_key: bool = False
    #: every metadata query's date range (from, to or None)
    queries: list[tuple[str, str | None]] = field(default_factory=list)
    # the server's own state
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    challenges: dict[str, int] = field(default_factory=dict)
    operations: dict[str, dict[str, Any]] = field(default_factory=dict)
    access: dict[str, bool] = field(default_factory=dict)
    refresh: set[str] = field(default_factory=set)
    sign_ins: int = 0
    refreshes: int = 0
    _ids: Iterator[int] = field(default_factory=itertools.count)
    _authorised: int = 0

    @property
    def base_url(self) -> str:
        return self.gateway.base_url + "/v2"

    def add(self, number: str, stored_at: dt.datetime, xml: bytes) -> StoredInvoice:
        ksef = (
            f"{self.nip}-{stored_at:%Y%m%d}-{len(self.invoices):012X}-{len(self.invoices) % 97:02X}"
        )
        item = StoredInvoice(ksef, number, stored_at, xml, self.nip)
        self.invoices.append(item)
        return item

    def certificate(self) -> bytes:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ministerstwo Finansów")])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .sign(self.key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.DER)

    def key_id(self) -> str:
        spki = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        digest = hashes.Hash(hashes.SHA256())
        digest.update(spki)
        return base64.b64encode(digest.finalize()).decode()

    def downloads(self) -> list[str]:
        return [
            r.path.rsplit("/", 1)[1]
            for r in self.gateway.requests
            if r.method == "GET" and r.path.startswith("/v2/invoices/ksef/")
        ]

    # --- the API ---------------------------------------------------------------------------

    def __call__(self, request: Request) -> Answer:
        path = request.path.removeprefix("/v2")
        if path == "/security/public-key-certificates":
            der = self.certificate()
            now = dt.datetime.now(dt.UTC)
            return Answer(
                200,
                [
                    {
                        "certificate": base64.b64encode(der).decode(),
                        "certificateId": "test-cert",
                        "publicKeyId": self.key_id(),
                        "validFrom": _iso(now - dt.timedelta(days=1)),
                        "validTo": _iso(now + dt.timedelta(days=365)),
                        "usage": ["KsefTokenEncryption"],
                    }
                ],
            )
        if path == "/auth/challenge":
            challenge = f"20261201-CR-{next(self._ids):010X}-00"
            stamp = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
            self.challenges[challenge] = stamp
            return Answer(
                200,
                {
                    "challenge": challenge,
                    "timestamp": _iso(dt.datetime.now(dt.UTC)),
                    "timestampMs": stamp,
                    "clientIp": "127.0.0.1",
                },
            )
        if path == "/auth/ksef-token":
            return self._ksef_token(request.json())
        if path == "/auth/token/redeem":
            operation = self._operation(request)
            if operation is None or operation["redeemed"] or operation["code"] != 200:
                return self._exception(21301, "Brak autoryzacji.")
            operation["redeemed"] = True
            self.sign_ins += 1
            return Answer(
                200, {"accessToken": self._new_access(), "refreshToken": self._new_refresh()}
            )
        if path == "/auth/token/refresh":
            bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
            if bearer not in self.refresh:
                return self._unauthorized()
            self.refreshes += 1
            return Answer(200, {"accessToken": self._new_access()})
        if path.startswith("/auth/"):
            operation = self._operation(request)
            if operation is None:
                return self._unauthorized()
            code = operation["code"]
            if not operation["polled"] and code == 200:
                operation["polled"] = True  # the first poll finds it still in progress
                code = 100
            descriptions = {
                100: "Uwierzytelnianie w toku",
                200: "Uwierzytelnianie zakończone sukcesem",
            }
            status: dict[str, Any] = {
                "code": code,
                "description": descriptions.get(
                    code, "Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu"
                ),
            }
            if code == 450:
                status["details"] = ["Nieprawidłowy token"]
            return Answer(
                200,
                {
                    "startDate": _iso(dt.datetime.now(dt.UTC)),
                    "authenticationMethod": "Token",
                    "authenticationMethodInfo": {
                        "category": "Token",
                        "code": "token",
                        "displayName": "Token KSeF",
                    },
                    "status": status,
                },
            )
        refused = self._check_access(request)
        if refused is not None:
            return refused
        if path == "/invoices/query/metadata":
            return self._metadata(request)
        if path.startswith("/invoices/ksef/"):
            number = path.rsplit("/", 1)[1]
            if number in self.throttled:
                self.throttled.discard(number)
                return Answer(
                    429,
                    {
                        "status": {
                            "code": 429,
                            "description": "Too Many Requests",
                            "details": ["Przekroczono limit."],
                        }
                    },
                    headers={"Retry-After": str(self.retry_after)},
                )
            for item in self.invoices:
                if item.ksef_number == number:
                    return Answer(200, item.xml, content_type="application/xml")
            return self._exception(21164, "Faktura o podanym identyfikatorze nie istnieje.")
        return Answer(404, {"title": "Not Found", "status": 404})

    def _ksef_token(self, body: dict[str, Any]) -> Answer:
        challenge = body.get("challenge")
        if self.rotate_key:
            self.rotate_key = False
            self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if body.get("publicKeyId") != self.key_id():
            return self._exception(
                21470,
                "Przesłany identyfikator klucza jest nieznany lub wskazuje na wycofany klucz.",
            )
        if challenge not in self.challenges:
            return self._exception(21111, "Nieprawidłowe wyzwanie autoryzacyjne.")
        plain = self.key.decrypt(
            base64.b64decode(body["encryptedToken"]),
            padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
        ).decode()
        good = plain == f"{self.token}|{self.challenges.pop(challenge)}" and body.get(
            "contextIdentifier"
        ) == {"type": "Nip", "value": self.nip}
        reference = f"20261201-AU-{next(self._ids):010X}-00"
        auth_token = f"auth-{reference}"
        self.operations[auth_token] = {
            "code": 200 if good else 450,
            "polled": False,
            "redeemed": False,
        }
        return Answer(
            202,
            {
                "referenceNumber": reference,
                "authenticationToken": {
                    "token": auth_token,
                    "validUntil": _iso(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)),
                },
            },
        )

    def _operation(self, request: Request) -> dict[str, Any] | None:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        return self.operations.get(bearer)

    def _new_access(self) -> dict[str, str]:
        token = f"access-{next(self._ids)}"
        self.access[token] = True
        return {
            "token": token,
            "validUntil": _iso(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)),
        }

    def _new_refresh(self) -> dict[str, str]:
        token = f"refresh-{next(self._ids)}"
        self.refresh.add(token)
        return {"token": token, "validUntil": _iso(dt.datetime.now(dt.UTC) + dt.timedelta(days=7))}

    def _check_access(self, request: Request) -> Answer | None:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if not self.access.get(bearer):
            return self._unauthorized()
        self._authorised += 1
        if self.expire_after is not None and self._authorised > self.expire_after:
            self.expire_after = None
            self.access[bearer] = False
            return self._unauthorized()
        return None

    def _metadata(self, request: Request) -> Answer:
        body = request.json()
        assert body["subjectType"] == "Subject1"
        date_range = body["dateRange"]
        assert date_range["dateType"] == "PermanentStorage"
        self.queries.append((date_range["from"], date_range.get("to")))
        start = _moment(date_range["from"])
        end = _moment(date_range["to"]) if date_range.get("to") else dt.datetime.now(dt.UTC)
        assert end - start <= dt.timedelta(days=92), "more than 3 months in one query"
        hwm = end if self.hwm is None else min(end, self.hwm)
        if date_range.get("restrictToPermanentStorageHwmDate"):
            end = hwm
        offset = int(request.query.get("pageOffset", ["0"])[0])
        size = min(int(request.query.get("pageSize", ["10"])[0]), self.max_page)
        chosen = sorted(
            (i for i in self.invoices if start <= i.stored_at <= end), key=lambda i: i.stored_at
        )
        page = chosen[offset * size : (offset + 1) * size]
        return Answer(
            200,
            {
                "hasMore": (offset + 1) * size < len(chosen),
                "isTruncated": False,
                "permanentStorageHwmDate": _iso(hwm),
                "invoices": [
                    {
                        "ksefNumber": i.ksef_number,
                        "invoiceNumber": i.number,
                        "issueDate": i.stored_at.date().isoformat(),
                        "invoicingDate": _iso(i.stored_at),
                        "acquisitionDate": _iso(i.stored_at),
                        "permanentStorageDate": _iso(i.stored_at),
                        "seller": {"nip": i.seller_nip, "name": "Hurtownia Pol-Mak"},
                        "buyer": {
                            "identifier": {"type": "Nip", "value": "0000000000"},
                            "name": "x",
                        },
                        "netAmount": 0,
                        "grossAmount": 0,
                        "vatAmount": 0,
                        "currency": "PLN",
                        "invoicingMode": "Online",
                        "invoiceType": "Vat",
                        "formCode": {
                            "systemCode": "FA (3)",
                            "schemaVersion": "1-0E",
                            "value": "FA",
                        },
                        "isSelfInvoicing": False,
                        "hasAttachment": False,
                        "invoiceHash": "",
                        "thirdSubjects": [],
                    }
                    for i in page
                ],
            },
        )

    @staticmethod
    def _unauthorized() -> Answer:
        return Answer(
            401,
            {
                "title": "Unauthorized",
                "status": 401,
                "detail": "Wymagane jest uwierzytelnienie.",
                "timestamp": _iso(dt.datetime.now(dt.UTC)),
            },
            content_type="application/problem+json",
        )

    @staticmethod
    def _exception(code: int, description: str) -> Answer:
        return Answer(
            400,
            {
                "exception": {
                    "exceptionDetailList": [
                        {"exceptionCode": code, "exceptionDescription": description, "details": []}
                    ],
                    "timestamp": _iso(dt.datetime.now(dt.UTC)),
                }
            },
        )


@contextmanager
def ksef_server(*, nip: str, token: str) -> Iterator[KsefServer]:
    holder: list[KsefServer] = []
    with running_gateway(lambda request: holder[0](request)) as gateway:
        server = KsefServer(gateway, nip=nip, token=token)
        holder.append(server)
        yield server
