"""Use cases: each call opens its own session, checks rights, returns plain dataclasses."""
