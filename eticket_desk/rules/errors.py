"""Errors a person can cause, each with a French message for the screen."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the agent must read: the message is French and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """One field holds a value that cannot be saved."""


class ValidationFailed(DomainError):
    """Several fields are wrong; `errors` maps a field path to its French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        lines = "\n".join(f"• {message}" for message in errors.values())
        super().__init__(f"Certains champs sont incorrects :\n{lines}")
        self.errors = errors


class PermissionDenied(DomainError):
    pass


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The data changed under the agent's feet (another desk, another window)."""
