"""The port to the central server: the wire protocol shared with it (protocol.py, wire.py,
*payloads.py: Qt-free and database-free), the desk's outbox and the ops it sends (outbox.py,
*_ops.py), and the HTTP client (client.py). It imports no service: the sync cycle, the
server's answers and the pulled changes applied are use cases in services/syncing/. No Qt here."""
