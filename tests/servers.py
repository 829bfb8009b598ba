"""Real servers a test starts and stops itself: a Redis of its own on a free port (never the one REDIS_URL names),
and a mail server that never answers."""

import os
import shutil
import socket
import subprocess
import threading
import time

import pytest


def require_redis_server(purpose: str) -> str:
    """The redis-server binary; without it the test is skipped with a message, or fails under CI."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = f"redis-server is not installed (apt-get install redis-server): {purpose} needs one"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return binary


class RedisServer:
    """A throwaway redis-server on 127.0.0.1: no persistence, its files under `directory`."""

    def __init__(self, binary: str, directory):
        self.binary, self.directory = binary, directory
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        for _attempt in range(5):
            self.port = self.port or free_port()
            self.process = subprocess.Popen(  # noqa: S603 - our own binary and arguments
                [
                    self.binary,
                    *("--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                    *("--dir", str(self.directory), "--logfile", ""),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._answers():
                return
            self.stop()
            self.port = 0  # taken meanwhile: another free port
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def _answers(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return True
            except OSError:
                pass
            time.sleep(0.05)
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SilentMailServer:
    """Accepts SMTP connections and never says a word: a relay sending to it hangs until it is killed."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                client, _address = self.sock.accept()
            except OSError:
                return
            self.connections.append(client)

    def close(self):
        for client in self.connections:
            client.close()
        self.sock.close()
