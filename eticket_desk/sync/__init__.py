"""Sync with the central server: the wire protocol shared with it (protocol.py, Qt-free and
database-free), the desk's outbox (outbox.py, with family_ops.py and planning_ops.py), its
client and `sync_once` (client.py) and the local side of a sync (apply.py). No Qt here."""
