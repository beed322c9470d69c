"""A document-management system standing in for an agency's: an HTTP server in a thread that
checks each request's signature (written here from the documented recipe, not with the
portal's own function), records what it got and answers the status codes it is told to."""

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    raw: bytes
    signature_ok: bool
    answered: int

    @property
    def body(self) -> dict:
        return json.loads(self.raw)


class Receiver:
    def __init__(self, *, secret: str, path: str = "/e-office/hook?token=abc") -> None:
        self.secret = secret.encode()
        self.path = path
        self.received: list[Received] = []
        self.answers: list[int] = []  # popped one per request; 200 once empty
        self.delay = 0.0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a handler still sleeping does not hold teardown
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.path}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait_for(self, count: int, seconds: float = 5) -> None:
        """Until `count` requests were recorded (a slow handler records after the client left)."""
        deadline = time.monotonic() + seconds
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} requests, not {count}"
            time.sleep(0.05)

    def verify(self, headers: dict[str, str], raw: bytes) -> bool:
        timestamp = headers.get("X-Portal-Timestamp", "")
        expected = hmac.new(self.secret, timestamp.encode() + b"." + raw, hashlib.sha256)
        given = headers.get("X-Portal-Signature", "")
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
        return fresh and hmac.compare_digest("sha256=" + expected.hexdigest(), given)

    @property
    def delivered(self) -> list[Received]:
        """What was filed: 2xx answers to validly signed requests, one per delivery id."""
        filed: dict[str, Received] = {}
        for item in self.received:
            if item.signature_ok and 200 <= item.answered < 300:
                filed.setdefault(item.headers["X-Portal-Delivery"], item)
        return list(filed.values())

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 — http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {key: value for key, value in self.headers.items()}
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver._lock:
                    code = receiver.answers.pop(0) if receiver.answers else 200
                    ok = receiver.verify(headers, raw)
                    receiver.received.append(Received(headers, raw, ok, code if ok else 401))
                self.send_response(code if ok else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler
