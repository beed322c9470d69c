"""Zalo standing in: an HTTP server in a thread that answers like the OA API v3 (send a
consultation message, a user's detail) and serves photos like Zalo's CDN. It records every
request, and answers the failures it is told to (HTTP status codes or Zalo error codes)."""

import io
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image

ACCESS_TOKEN = "oa-access-token-thu-nghiem"


def photo_jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 160, 60)).save(buf, format="JPEG")
    return buf.getvalue()


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class ZaloStub:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        # Popped one per message POST: an int is an HTTP status, a dict Zalo's JSON answer.
        self.message_answers: list[int | dict] = []
        self.display_names: dict[str, str] = {}
        self.files: dict[str, tuple[int, bytes, dict]] = {}
        self._lock = threading.Lock()
        self._next_id = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def serve(self, path: str, data: bytes, *, status: int = 200, headers=None) -> str:
        """Serve `data` at `path` as the CDN would; its address."""
        self.files[path] = (status, data, headers or {"Content-Type": "image/jpeg"})
        return self.base + path

    @property
    def messages(self) -> list[Call]:
        """What Zalo accepted and would have shown users: the 2xx, error 0 sends."""
        return [
            c
            for c in self.calls
            if c.path == "/v3.0/oa/message/cs" and c.answered == 200 and c.method == "POST"
        ]

    def texts_to(self, user_id: str) -> list[str]:
        return [
            c.json["message"]["text"]
            for c in self.messages
            if c.json["recipient"]["user_id"] == user_id
        ]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, code: int, body: bytes, headers: dict) -> None:
                self.send_response(code)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _record(self, body: bytes, code: int) -> None:
                headers = {key.lower(): value for key, value in self.headers.items()}
                path = urlsplit(self.path).path
                stub.calls.append(Call(self.command, path, headers, body, code))

            def do_POST(self):  # noqa: N802 — http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with stub._lock:
                    answer = stub.message_answers.pop(0) if stub.message_answers else None
                    if self.headers.get("access_token") != ACCESS_TOKEN:
                        answer = {"error": -216, "message": "Access token is invalid"}
                    if isinstance(answer, int):
                        self._record(body, answer)
                        return self._answer(answer, b"", {})
                    if answer is None:
                        stub._next_id += 1
                        answer = {
                            "data": {"message_id": f"zmsg{stub._next_id}"},
                            "error": 0,
                            "message": "Success",
                        }
                    # Zalo answers its errors with HTTP 200 and a non-zero `error`.
                    code = 200 if answer.get("error", 0) == 0 else 299
                    self._record(body, code)
                raw = json.dumps(answer).encode()
                self._answer(200, raw, {"Content-Type": "application/json"})

            def do_GET(self):  # noqa: N802
                parts = urlsplit(self.path)
                with stub._lock:
                    self._record(b"", 200)
                if parts.path == "/v3.0/oa/user/detail":
                    user_id = json.loads(parse_qs(parts.query)["data"][0])["user_id"]
                    name = stub.display_names.get(user_id)
                    answer = (
                        {"data": {"user_id": user_id, "display_name": name}, "error": 0}
                        if name
                        else {"error": -213, "message": "User has not followed OA"}
                    )
                    raw = json.dumps(answer).encode()
                    return self._answer(200, raw, {"Content-Type": "application/json"})
                if parts.path in stub.files:
                    code, data, headers = stub.files[parts.path]
                    return self._answer(code, data, headers)
                self._answer(404, b"", {})

            def log_message(self, *args):
                pass

        return Handler
