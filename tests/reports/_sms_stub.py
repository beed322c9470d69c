"""A local HTTP server standing in for the SMS gateway (the only thing replaced): it records
each JSON POST, so a test reads the one-time code where the citizen would, on the phone."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.processes import free_port


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 — http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.received.append({"body": body, "headers": dict(self.headers)})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "queued"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_gateway(settings):
    """The gateway on a free port, SMS_GATEWAY_URL pointing at it; `.received` lists the
    requests. Stopped at teardown."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Handler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_address[1]}/send"
    settings.SMS_GATEWAY_TOKEN = "token-thu"
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
