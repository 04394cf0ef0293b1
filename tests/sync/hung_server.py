"""A server on loopback that accepts connections, reads the request and never answers: the
network a desk meets when the central server hangs (the tests and benchmarks/bench_hung_network)."""

from __future__ import annotations

import contextlib
import socket
import threading


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
