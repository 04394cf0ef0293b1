"""What a desk meets outside, stood in for the tests and benchmarks/bench_hung_network: a
server that hangs (accepts, reads the request, never answers) and the OS keyring."""

from __future__ import annotations

import contextlib
import socket
import threading

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring: what the OS keyring would hold, for one test."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


class HungServer:
    """Listens on 127.0.0.1 (a free port); `requested` is set once a request has come in."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.requested = threading.Event()
        self._connections: list[socket.socket] = []
        threading.Thread(target=self._accept, name="hung-server", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:  # closed
                return
            self._connections.append(connection)
            threading.Thread(target=self._read, args=(connection,), daemon=True).start()

    def _read(self, connection: socket.socket) -> None:
        try:
            if connection.recv(65536):
                self.requested.set()  # and no answer, ever
        except OSError:
            return

    def close(self) -> None:
        """Drops every connection (the waiting client sees a reset) and stops listening."""
        for sock in (self._listener, *self._connections):
            with contextlib.suppress(OSError):  # already closed by the client
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
