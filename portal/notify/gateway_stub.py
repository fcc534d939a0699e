"""A local SMS gateway that speaks the `http` provider's protocol, for development, tests and benchmarks.

It checks the signature, honours the Idempotency-Key as a real gateway
must (a repeated key gets the first answer and is not delivered again),
and records everything: `delivered` holds one entry per message actually
"sent", `duplicates` counts repeated keys it received. `stall_after(n)`
makes it take every message after the n-th and then hold the answer back
until `release()` — the moment a crash hurts most, which tests use to kill
a worker.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .providers.http_gateway import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify_signature


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client killed mid-request (as the tests do to workers) is expected, not worth a traceback."""


class StubGateway:
    def __init__(self, secret: str, *, host: str = "127.0.0.1", port: int = 0, delay: float = 0.0):
        self.secret = secret
        self.delay = delay
        self.lock = threading.Lock()
        self.delivered: dict[str, dict] = {}
        self.received = 0
        self.duplicates = 0
        self.rejected = 0
        self.stalled = 0
        self._stall_at: int | None = None
        self._released = threading.Event()
        self._stop = threading.Event()
        self.server = _QuietServer((host, port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/sms/send"

    def start(self) -> "StubGateway":
        self.thread.start()
        return self

    def stall_after(self, deliveries: int) -> None:
        self._stall_at = deliveries

    def release(self) -> None:
        self._stall_at = None
        self._released.set()

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _accept(self, body: bytes, headers) -> tuple[int, dict]:
        if not verify_signature(self.secret, body, headers.get(SIGNATURE_HEADER, "")):
            with self.lock:
                self.rejected += 1
            return 401, {"success": False, "error": "bad signature"}
        payload = json.loads(body)
        key = headers.get(IDEMPOTENCY_HEADER) or payload["message_id"]
        if self.delay:
            self._stop.wait(self.delay)
        with self.lock:
            self.received += 1
            if key in self.delivered:
                self.duplicates += 1
                return 200, {"success": True, "message_id": self.delivered[key]["gateway_id"], "duplicate": True}
            gateway_id = uuid.uuid4().hex
            self.delivered[key] = {"gateway_id": gateway_id, "phone": payload["phone"], "content": payload["content"]}
            stall = self._stall_at is not None and len(self.delivered) > self._stall_at
            if stall:
                self.stalled += 1
        if stall:
            self._released.wait(timeout=120)
        return 200, {"success": True, "message_id": gateway_id}

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes; without this the client's delayed ACK adds 40 ms to each
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer = gateway._accept(body, self.headers)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):
                pass

        return Handler
