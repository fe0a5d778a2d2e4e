"""A callback is a queued task: a delivery due while the service is stopped is made after
it starts again; a job failed by the reaper gets its callback too."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.running import RunningService

pytestmark = [pytest.mark.slow, pytest.mark.espeak]

KEY = {"Authorization": "Bearer k"}


class _Receiver:
    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.received: list[tuple[float, bytes]] = []
        received, answers_ = self.received, self.answers

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                received.append((time.monotonic(), body))
                self.send_response(answers_.pop(0) if answers_ else 200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait(self, count: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count:
            assert time.monotonic() < deadline, self.received
            time.sleep(0.05)


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    made = _Receiver([500])
    yield made
    made.server.shutdown()


def test_a_callback_due_during_a_restart_is_delivered_after_it(
    tmp_path: Path, receiver: _Receiver
) -> None:
    env = {
        "NARRATION_VOICE": "pyttsx3:en",
        "NARRATION_API_KEYS": "k",
        "NARRATION_FETCH_ALLOW": "127.0.0.1",
        "NARRATION_CALLBACK_BACKOFF_S": "8",
    }
    service = RunningService(tmp_path, env).start()
    try:
        body = {"text": "The ferry runs again. Commuters cheered.", "callback_url": receiver.url}
        answer = service.http.post("/v1/articles", json=body, headers=KEY)
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["id"]
        # The first delivery gets a 500: the next one is scheduled 8 s later ...
        receiver.wait(1, timeout_s=60)
        first_at = receiver.received[0][0]
        # ... and the service stops before it is due.
        assert service.stop() == 0, service.log()
        assert len(receiver.received) == 1, "delivered before the stop: the test proves nothing"
        time.sleep(max(0.0, first_at + 9 - time.monotonic()))
        assert len(receiver.received) == 1
        service.start()
        receiver.wait(2, timeout_s=30)
        assert receiver.received[1][0] - first_at >= 8
        assert job_id.encode() in receiver.received[1][1]
    finally:
        service.close()
