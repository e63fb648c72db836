"""A client of the KSeF API 2.0 for the invoices our firm issued (``subjectType`` Subject1).

Sign-in with a KSeF token (docs: uwierzytelnianie.md, tokeny-ksef.md): ``POST /auth/challenge``
→ ``token|timestampMs`` encrypted with the Ministry's public key (RSA-OAEP, SHA-256, from
``GET /security/public-key-certificates``, usage ``KsefTokenEncryption``) → ``POST
/auth/ksef-token`` → poll ``GET /auth/{referenceNumber}`` → ``POST /auth/token/redeem`` (access
and refresh token). An access token that expired is refreshed (``POST /auth/token/refresh``)
and the request sent again; a refused refresh signs in anew.

Invoices are listed by ``POST /invoices/query/metadata`` by the date of permanent storage (the
only date with a high-water mark, pobieranie-faktur/hwm.md), in windows of at most three
months (the API's limit), page by page, and each is fetched by ``GET /invoices/ksef/{n}``.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from desktop_app import redaction
from desktop_app.i18n import _
from desktop_app.sources.http import RemoteError, RemoteHttp, Window

log = logging.getLogger(__name__)

SERVICE = "KSeF"
#: base URLs of the API by environment (srodowiska.md; the OpenAPI file's server is ".../v2")
ENVIRONMENTS = {
    "test": "https://api-test.ksef.mf.gov.pl/v2",
    "demo": "https://api-demo.ksef.mf.gov.pl/v2",
    "production": "https://api.ksef.mf.gov.pl/v2",
}
#: the API's maximum date range of one metadata query
MAX_RANGE = dt.timedelta(days=90)
PAGE_SIZE = 250


def limits(environment: str) -> dict[str, tuple[Window, ...]]:
    """Published limits per (context, IP) (limity/limity-api.md); TEST's are ten times higher."""
    factor = 10 if environment == "test" else 1

    def w(per_s: int, per_min: int, per_h: int) -> tuple[Window, ...]:
        return (
            Window(per_s * factor, 1.0),
            Window(per_min * factor, 60.0),
            Window(per_h * factor, 3600.0),
        )

    return {
        "metadata": w(8, 16, 20),
        "download": w(8, 16, 64),
        "other": w(10, 30, 120),
        # /auth/challenge and other public resources: 60 a second per IP
        "public": (Window(60, 1.0),),
    }


@dataclass(frozen=True)
class InvoiceMeta:
    ksef_number: str
    invoice_number: str
    permanent_storage: dt.datetime
    seller_nip: str | None


@dataclass(frozen=True)
class MetadataPage:
    invoices: tuple[InvoiceMeta, ...]
    #: the query's high-water mark once its last page is read (None on the pages before)
    hwm: dt.datetime | None
    #: the window's end: where the next window starts when it has no HWM
    window_end: dt.datetime | None


def parse_moment(text: str) -> dt.datetime:
    """An ISO 8601 moment from the API (7 fractional digits allowed), as aware UTC."""
    value = text.strip().replace("Z", "+00:00")
    head, dot, rest = value.partition(".")
    if dot:
        digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
        zone = rest[len(digits) :]
        value = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _problem(response: httpx.Response) -> str:
    """The API's own words for a refusal (ExceptionResponse or problem+json), short."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    parts: list[str] = []
    if isinstance(body, dict):
        exception = body.get("exception")
        if isinstance(exception, dict):
            for item in exception.get("exceptionDetailList") or ():
                if isinstance(item, dict):
                    parts.append(
                        f"{item.get('exceptionCode', '')} {item.get('exceptionDescription', '')}"
                        + "".join(f" {d}" for d in item.get("details") or ())
                    )
        for key in ("title", "detail"):
            if isinstance(body.get(key), str):
                parts.append(body[key])
        status = body.get("status")
        if isinstance(status, dict) and isinstance(status.get("description"), str):
            parts.append(status["description"])
            parts.extend(str(d) for d in status.get("details") or ())
    text = "; ".join(p.strip() for p in parts if p.strip()) or f"HTTP {response.status_code}"
    return redaction.redact(text)[:300]


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise RemoteError(
            _("KSeF sent an answer Inkaso cannot read ({what})").format(what=what)
        ) from exc


class KsefClient:
    """One signed-in conversation with KSeF for one firm (context: its NIP)."""

    def __init__(
        self,
        http: RemoteHttp,
        *,
        nip: str,
        token: str,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        sleep: Callable[[float], None] = time.sleep,
        sign_in_timeout: float = 120.0,
    ) -> None:
        self.http = http
        self.nip = nip
        self._token = token
        self._clock = clock
        self._sleep = sleep
        self._sign_in_timeout = sign_in_timeout
        self._access: str | None = None
        self._access_until: dt.datetime | None = None
        self._refresh: str | None = None
        redaction.remember(token)

    # --- signing in -------------------------------------------------------------------------

    def _public_key(self) -> tuple[rsa.RSAPublicKey, str | None]:
        response = self.http.request("GET", "/security/public-key-certificates", group="public")
        if response.status_code != 200:
            raise RemoteError(
                _("KSeF did not give its public key: {problem}").format(problem=_problem(response))
            )
        now = self._clock()
        best: tuple[dt.datetime, dict[str, Any]] | None = None
        for item in _json(response, "public-key-certificates"):
            if not isinstance(item, dict) or "KsefTokenEncryption" not in (item.get("usage") or ()):
                continue
            try:
                valid_from = parse_moment(str(item["validFrom"]))
                valid_to = parse_moment(str(item["validTo"]))
            except (KeyError, ValueError):
                continue
            # the docs: the one valid now, the latest validFrom among several
            if valid_from <= now <= valid_to and (best is None or valid_from > best[0]):
                best = (valid_from, item)
        if best is None:
            raise RemoteError(_("KSeF published no valid key for encrypting a KSeF token"))
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode(best[1]["certificate"]))
        except (ValueError, KeyError) as exc:
            raise RemoteError(_("KSeF's public key certificate cannot be read")) from exc
        key = cert.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise RemoteError(_("KSeF's public key is not an RSA key; this Inkaso cannot use it"))
        key_id = best[1].get("publicKeyId")
        return key, key_id if isinstance(key_id, str) else None

    def _start_sign_in(self) -> httpx.Response:
        """Challenge, encrypt ``token|timestampMs`` with KSeF's key, POST /auth/ksef-token."""
        challenge_answer = self.http.request("POST", "/auth/challenge", group="public")
        if challenge_answer.status_code != 200:
            raise RemoteError(
                _("KSeF refused the sign-in: {problem}").format(problem=_problem(challenge_answer))
            )
        challenge = _json(challenge_answer, "auth/challenge")
        key, key_id = self._public_key()
        plain = f"{self._token}|{int(challenge['timestampMs'])}".encode()
        encrypted = key.encrypt(
            plain,
            padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
        )
        body: dict[str, Any] = {
            "challenge": challenge["challenge"],
            "contextIdentifier": {"type": "Nip", "value": self.nip},
            "encryptedToken": base64.b64encode(encrypted).decode("ascii"),
        }
        if key_id:
            body["publicKeyId"] = key_id
        return self.http.request("POST", "/auth/ksef-token", group="public", json_body=body)

    def sign_in(self) -> None:
        for attempt in range(2):
            started = self._start_sign_in()
            # 21470: the key was rotated after we fetched it (klucze-publiczne-do-szyfrowania.md
            # §4.4): fetch the list again and encrypt with the current key, once
            if started.status_code == 400 and "21470" in started.text and not attempt:
                log.info("KSeF rejected the public key id; fetching the keys again")
                continue
            break
        if started.status_code not in (200, 202):
            raise RemoteError(
                _("KSeF refused the sign-in: {problem}").format(problem=_problem(started))
            )
        operation = _json(started, "auth/ksef-token")
        reference = str(operation["referenceNumber"])
        auth_token = str(operation["authenticationToken"]["token"])
        redaction.remember(auth_token)
        bearer = {"Authorization": f"Bearer {auth_token}"}
        self._wait_signed_in(reference, bearer)
        redeemed = self.http.request("POST", "/auth/token/redeem", group="public", headers=bearer)
        if redeemed.status_code != 200:
            raise RemoteError(
                _("KSeF refused the sign-in: {problem}").format(problem=_problem(redeemed))
            )
        tokens = _json(redeemed, "auth/token/redeem")
        self._set_access(tokens["accessToken"])
        self._refresh = str(tokens["refreshToken"]["token"])
        redaction.remember(self._refresh)
        log.info("signed in to KSeF for NIP %s", self.nip)

    def _wait_signed_in(self, reference: str, bearer: dict[str, str]) -> None:
        deadline = time.monotonic() + self._sign_in_timeout
        pause = 0.2
        while True:
            answer = self.http.request("GET", f"/auth/{reference}", group="public", headers=bearer)
            if answer.status_code != 200:
                raise RemoteError(
                    _("KSeF refused the sign-in: {problem}").format(problem=_problem(answer))
                )
            status = _json(answer, "auth status").get("status") or {}
            code = int(status.get("code", 0))
            if code == 200:
                return
            if code != 100:
                details = "; ".join(str(d) for d in status.get("details") or ())
                reason = f"{status.get('description', code)}" + (f" ({details})" if details else "")
                raise RemoteError(
                    _("KSeF refused the sign-in: {problem}").format(problem=reason[:300])
                )
            if time.monotonic() > deadline:
                raise RemoteError(_("KSeF did not finish the sign-in in time; try again later"))
            self._sleep(pause)
            pause = min(pause * 2, 2.0)

    def _set_access(self, info: dict[str, Any]) -> None:
        self._access = str(info["token"])
        redaction.remember(self._access)
        try:
            self._access_until = parse_moment(str(info["validUntil"]))
        except (KeyError, ValueError):
            self._access_until = None

    def _refresh_access(self) -> bool:
        """A new access token from the refresh token; False when KSeF refuses it."""
        if self._refresh is None:
            return False
        answer = self.http.request(
            "POST",
            "/auth/token/refresh",
            group="public",
            headers={"Authorization": f"Bearer {self._refresh}"},
        )
        if answer.status_code != 200:
            log.info("KSeF refused the refresh token (%s); signing in again", answer.status_code)
            self._refresh = None
            return False
        self._set_access(_json(answer, "auth/token/refresh")["accessToken"])
        return True

    def _ensure_access(self) -> str:
        expiring = (
            self._access_until is not None
            and self._access_until - dt.timedelta(seconds=30) <= self._clock()
        )
        if self._access is None or (expiring and not self._refresh_access()):
            self.sign_in()
        assert self._access is not None
        return self._access

    def _authorized(self, method: str, path: str, *, group: str, **kwargs: Any) -> httpx.Response:
        """A request with the access token; on 401 refreshed (or signed in anew) once."""
        extra = dict(kwargs.pop("headers", None) or {})
        for attempt in range(2):
            headers = {**extra, "Authorization": f"Bearer {self._ensure_access()}"}
            answer = self.http.request(method, path, group=group, headers=headers, **kwargs)
            if answer.status_code != 401 or attempt:
                return answer
            log.info("KSeF access token expired; refreshing")
            if not self._refresh_access():
                self._access = None
        return answer

    # --- invoices ---------------------------------------------------------------------------

    def metadata_pages(
        self, start: dt.datetime, *, page_size: int = PAGE_SIZE
    ) -> Iterator[MetadataPage]:
        """Every page of Subject1 invoices stored permanently since ``start``, window by window.

        Each window ends at its high-water mark (``restrictToPermanentStorageHwmDate``): what is
        before it is complete and never changes, so the next sync starts there."""
        window_from = start
        while True:
            window_to: dt.datetime | None = window_from + MAX_RANGE
            if window_to is not None and window_to >= self._clock():
                window_to = None  # up to now: KSeF stops it at the HWM
            offset = 0
            while True:
                body = self._query(window_from, window_to, offset, page_size)
                invoices = tuple(self._meta(item) for item in body.get("invoices") or ())
                more = bool(body.get("hasMore"))
                truncated = bool(body.get("isTruncated"))
                hwm_text = body.get("permanentStorageHwmDate")
                last = not more
                hwm = parse_moment(hwm_text) if (last and hwm_text and not truncated) else None
                yield MetadataPage(invoices, hwm, window_to if last and not truncated else None)
                if more:
                    offset += 1
                    continue
                break
            if truncated and invoices:
                # 10,000 results is the most one query returns: go on from the last one stored
                window_from = invoices[-1].permanent_storage
                continue
            if window_to is None:
                return
            window_from = window_to

    def _query(
        self, start: dt.datetime, end: dt.datetime | None, offset: int, page_size: int
    ) -> dict[str, Any]:
        date_range: dict[str, Any] = {
            "dateType": "PermanentStorage",
            "from": iso(start),
            "restrictToPermanentStorageHwmDate": True,
        }
        if end is not None:
            date_range["to"] = iso(end)
        answer = self._authorized(
            "POST",
            "/invoices/query/metadata",
            group="metadata",
            params={"pageOffset": offset, "pageSize": page_size, "sortOrder": "Asc"},
            json_body={"subjectType": "Subject1", "dateRange": date_range},
        )
        if answer.status_code != 200:
            raise RemoteError(
                _("KSeF refused the list of invoices: {problem}").format(problem=_problem(answer))
            )
        body = _json(answer, "invoices/query/metadata")
        if not isinstance(body, dict):
            raise RemoteError(
                _("KSeF sent an answer Inkaso cannot read ({what})").format(
                    what="invoices/query/metadata"
                )
            )
        return body

    @staticmethod
    def _meta(item: dict[str, Any]) -> InvoiceMeta:
        try:
            seller = item.get("seller") or {}
            return InvoiceMeta(
                ksef_number=str(item["ksefNumber"]),
                invoice_number=str(item.get("invoiceNumber") or ""),
                permanent_storage=parse_moment(str(item["permanentStorageDate"])),
                seller_nip=seller.get("nip") if isinstance(seller, dict) else None,
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise RemoteError(
                _("KSeF sent an answer Inkaso cannot read ({what})").format(what="InvoiceMetadata")
            ) from exc

    def download(self, ksef_number: str) -> bytes | None:
        """The invoice's XML; None when KSeF has it but not yet for download (code 21165)."""
        answer = self._authorized(
            "GET",
            f"/invoices/ksef/{ksef_number}",
            group="download",
            headers={"Accept": "application/xml"},
        )
        if answer.status_code == 200:
            return answer.content
        if answer.status_code == 400 and "21165" in answer.text:
            return None
        raise RemoteError(
            _("KSeF did not give invoice {number}: {problem}").format(
                number=ksef_number, problem=_problem(answer)
            )
        )
