"""Portal logins typed from a letter, and the rules of a password a parent chooses."""

from __future__ import annotations

import random

from eticket_desk.rules.passwords import (
    check_portal_password,
    normalised_login,
    one_time_password,
    portal_login,
)


def test_each_guardian_of_a_dossier_gets_the_next_login_without_ambiguous_letters():
    taken: set[str] = set()
    logins = []
    for _ in range(4):
        logins.append(portal_login("F00042", taken))
        taken.add(logins[-1])
    assert logins == ["f00042", "f00042-b", "f00042-c", "f00042-d"]
    suffixes = {portal_login("F00042", taken | {f"f00042-{c}" for c in "bcdefgh"})[-1]}
    assert not suffixes & set("ilo")


def test_a_login_is_read_as_typed_from_the_letter():
    assert normalised_login("  F00042-B ") == "f00042-b"


def test_the_one_time_password_has_no_character_a_letter_could_blur():
    rng = random.Random(3)
    for _ in range(200):
        password = one_time_password(rng)
        assert len(password) == 10 and not set(password) & set("0O1lI")


def test_a_new_password_needs_ten_characters_and_is_neither_the_login_nor_the_old_one():
    login = "famille.dupont42"
    assert check_portal_password("Court-1", login, "x") == (
        "Le mot de passe doit comporter au moins 10 caractères."
    )
    assert check_portal_password("Famille.Dupont42", login, "x") == (
        "Le mot de passe ne doit pas être votre identifiant."
    )
    assert check_portal_password("kP7mR2xWq9", login, "kP7mR2xWq9") == (
        "Le nouveau mot de passe doit être différent de l'ancien."
    )
    assert check_portal_password("Mon-soleil-2026", login, "kP7mR2xWq9") is None
