"""The KSeF API client against a loopback KSeF that signs in for real and pages like the API."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.sources.http import RemoteError, RemoteHttp
from desktop_app.sources.ksef_api import KsefClient, limits
from tests.integration.ksef_server import KsefServer, fa3_invoice, ksef_server

NIP = "7740001454"
TOKEN = "20261201-EC-0123456789-ABCDEF0123-45|nip-7740001454|0123456789abcdef"
START = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _fill(server: KsefServer, count: int) -> None:
    for n in range(count):
        issue = dt.date(2026, 11, 2) + dt.timedelta(days=n % 20)
        server.add(
            f"FV {n + 1}/11/2026",
            dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC) + dt.timedelta(hours=n),
            fa3_invoice(
                seller_nip=NIP,
                number=f"FV {n + 1}/11/2026",
                issue=issue,
                buyer_nip="5260250274",
                buyer_name="Zakład Usług Różnych „Żuraw”",
                gross="1230.00",
                due=issue + dt.timedelta(days=14),
            ),
        )


def _client(server: KsefServer, token: str = TOKEN) -> KsefClient:
    http = RemoteHttp("KSeF", server.base_url, limits=limits("test"))
    return KsefClient(http, nip=NIP, token=token)


def test_signs_in_pages_through_every_invoice_and_ends_at_the_hwm() -> None:
    with ksef_server(nip=NIP, token=TOKEN) as server:
        _fill(server, 25)
        server.max_page = 10
        server.hwm = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
        client = _client(server)
        pages = list(client.metadata_pages(START, page_size=10))
        assert [len(p.invoices) for p in pages] == [10, 10, 5]
        assert [p.hwm for p in pages] == [None, None, server.hwm]
        numbers = [m.invoice_number for p in pages for m in p.invoices]
        assert numbers == [f"FV {n}/11/2026" for n in range(1, 26)]
        assert client.download(pages[0].invoices[0].ksef_number) == server.invoices[0].xml
        assert server.sign_ins == 1


def test_an_expired_access_token_is_refreshed_and_the_request_sent_again() -> None:
    with ksef_server(nip=NIP, token=TOKEN) as server:
        _fill(server, 3)
        server.expire_after = 1
        client = _client(server)
        metas = [m for p in client.metadata_pages(START) for m in p.invoices]
        got = [client.download(m.ksef_number) for m in metas]
        assert got == [i.xml for i in server.invoices]
        assert server.refreshes == 1
        assert server.sign_ins == 1


def test_429_waits_for_retry_after_and_tries_again() -> None:
    with ksef_server(nip=NIP, token=TOKEN) as server:
        _fill(server, 2)
        server.throttled = {server.invoices[1].ksef_number}
        client = _client(server)
        metas = [m for p in client.metadata_pages(START) for m in p.invoices]
        assert client.download(metas[1].ksef_number) == server.invoices[1].xml
        assert server.downloads() == [metas[1].ksef_number] * 2


def test_a_wrong_token_is_one_sentence_naming_ksef() -> None:
    with ksef_server(nip=NIP, token=TOKEN) as server:
        client = _client(server, token="not-the-token")
        with pytest.raises(RemoteError, match=r"KSeF refused the sign-in: .*token"):
            list(client.metadata_pages(START))


def test_a_server_that_is_not_there_is_one_sentence() -> None:
    http = RemoteHttp("KSeF", "http://127.0.0.1:9/v2", limits=limits("test"))
    client = KsefClient(http, nip=NIP, token=TOKEN)
    with pytest.raises(RemoteError, match=r"KSeF cannot be reached at http://127\.0\.0\.1:9/v2"):
        list(client.metadata_pages(START))


def test_a_rotated_key_is_fetched_again_and_the_sign_in_repeated() -> None:
    with ksef_server(nip=NIP, token=TOKEN) as server:
        _fill(server, 1)
        server.rotate_key = True
        client = _client(server)
        assert [m.invoice_number for p in client.metadata_pages(START) for m in p.invoices] == [
            "FV 1/11/2026"
        ]
        assert server.sign_ins == 1


def test_a_long_range_is_asked_for_in_windows_of_three_months() -> None:
    with ksef_server(nip=NIP, token=TOKEN) as server:
        _fill(server, 2)
        server.hwm = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
        client = _client(server)
        since = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
        pages = list(client.metadata_pages(since))
        assert [len(p.invoices) for p in pages] == [0, 0, 2]
        assert [p.hwm or p.window_end for p in pages][-1] == server.hwm
        starts = [dt.datetime.fromisoformat(start) for start, _end in server.queries]
        assert starts == [since, since + dt.timedelta(days=90), since + dt.timedelta(days=180)]
