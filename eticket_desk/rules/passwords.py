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


# A portal login is typed from the letter: lowercase, digits and a hyphen, never i, l or o
# (so 0 and 1 cannot be misread either).
_LOGIN_SUFFIXES = "bcdefghjkmnpqrstuvwxyz"
PORTAL_PASSWORD_LENGTH = 10


def portal_login(reference: str, taken: set[str]) -> str:
    """A guardian's portal login, unique in the commune because the dossier's reference is:
    the first guardian of dossier F00042 gets « f00042 », the next ones « f00042-b », … ."""
    base = reference.strip().lower()
    if base not in taken:
        return base
    for suffix in _LOGIN_SUFFIXES:
        candidate = f"{base}-{suffix}"
        if candidate not in taken:
            return candidate
    raise InvalidInput("Ce dossier a déjà un identifiant de portail pour chaque responsable.")


def normalised_login(typed: str) -> str:
    """What a parent typed in the login field, as logins are stored."""
    return typed.strip().lower()


def check_portal_password(new: str, login: str, current: str) -> str | None:
    """Why a parent's new portal password is refused (French), or None: at least ten
    characters, not the login, not the password it replaces."""
    if len(new) < PORTAL_PASSWORD_LENGTH:
        return f"Le mot de passe doit comporter au moins {PORTAL_PASSWORD_LENGTH} caractères."
    if new.strip().lower() == normalised_login(login):
        return "Le mot de passe ne doit pas être votre identifiant."
    if new == current:
        return "Le nouveau mot de passe doit être différent de l'ancien."
    return None
