"""The op types the server applies, one module per domain (see registry.py)."""
