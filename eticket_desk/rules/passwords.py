"""Password policy and the one-time passwords handed to parents."""

from __future__ import annotations

import random

from eticket_desk.rules.errors import InvalidInput

# No 0/O, 1/l/I: the parent copies it from paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def check_password_policy(password: str) -> None:
    if len(password) < 8:
        raise InvalidInput("Le mot de passe doit comporter au moins 8 caractères.")
    if password.isalpha() or password.isdigit():
        raise InvalidInput("Le mot de passe doit mêler des lettres et des chiffres.")


def one_time_password(rng: random.Random, length: int = 10) -> str:
    """A readable one-time password with at least one digit (rng: a SystemRandom in use)."""
    while True:
        candidate = "".join(rng.choice(_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate
