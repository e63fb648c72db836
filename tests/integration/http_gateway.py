"""A real HTTP server on loopback standing in for an SMS/voice provider; records every request."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # dict/list -> JSON, str -> text, bytes as they are
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    #: close the connection without answering, after reading the request (and the delay)
    drop: bool = False


Responder = Callable[[Request], Answer]


@dataclass
class FakeGateway:
    base_url: str
    requests: list[Request] = field(default_factory=list)
    responder: Responder = lambda request: Answer()


def smsapi_ok(request: Request) -> Answer:
    """SMSAPI's answer to an accepted SMS or voice message."""
    return Answer(
        200,
        {
            "count": 1,
            "list": [
                {
                    "id": f"ID{len(request.body)}",
                    "points": 0.16,
                    "number": request.form().get("to", ""),
                    "status": "QUEUE",
                }
            ],
        },
    )


@contextmanager
def running_gateway(responder: Responder | None = None) -> Iterator[FakeGateway]:
    state = FakeGateway("")
    if responder is not None:
        state.responder = responder

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            request = Request(
                self.command,
                parts.path,
                parse_qs(parts.query),
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length),
            )
            state.requests.append(request)
            answer = state.responder(request)
            if answer.delay:
                time.sleep(answer.delay)
            if answer.drop:
                self.close_connection = True
                return
            if isinstance(answer.body, bytes):
                payload = answer.body
            elif isinstance(answer.body, str):
                payload = answer.body.encode()
            else:
                payload = json.dumps(answer.body, ensure_ascii=False).encode()
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        do_GET = do_POST = do_PUT = _handle  # noqa: N815 - http.server dispatches by these names

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
