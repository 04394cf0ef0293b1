"""Sync with the central server: the wire protocol shared with it (protocol.py); Qt-free and
database-free (the desk's outbox and worker build on it)."""
