"""What blocks a dossier's validation, and who may do what."""

import pytest

from eticket_desk.rules.dossier import ChildCheck, DossierCheck, PersonCheck, missing_for_validation
from eticket_desk.rules.errors import PermissionDenied
from eticket_desk.rules.permissions import Permission, Role, allows, require

MOTHER = PersonCheck(
    "DUPONT Marie",
    legal_guardian=True,
    billing=True,
    emergency_contact=True,
    phones=("+33612345678",),
    address1="1 rue",
    postcode="74500",
    city="Neuvecelle",
)
CHILD = ChildCheck("Léa DUPONT", has_school=True, has_class=True)


def test_a_complete_dossier_has_nothing_missing():
    assert missing_for_validation(DossierCheck((MOTHER,), (CHILD,))) == []


def test_everything_missing_is_listed():
    missing = missing_for_validation(DossierCheck((), (ChildCheck("Tom", False, False),)))
    assert "Aucun adulte dans le dossier." in missing
    assert "Aucun adulte n'est désigné pour l'adresse de facturation." in missing
    assert "Aucun contact d'urgence n'est désigné." in missing
    assert "Aucun responsable légal n'est désigné." in missing
    assert "Tom : école non renseignée." in missing


def test_two_billing_adults_are_refused():
    father = PersonCheck(
        "DUPONT Jean",
        legal_guardian=True,
        billing=True,
        phones=("+33612345679",),
        address1="2 rue",
        postcode="74500",
        city="Neuvecelle",
    )
    missing = missing_for_validation(DossierCheck((MOTHER, father), (CHILD,)))
    assert missing == ["Une seule adresse de facturation est permise (DUPONT Marie, DUPONT Jean)."]


def test_an_unreachable_guardian_blocks_validation():
    silent = PersonCheck(
        "DUPONT Marie",
        legal_guardian=True,
        billing=True,
        address1="1 rue",
        postcode="74500",
        city="Neuvecelle",
    )
    granny = PersonCheck(
        "DUPONT Mamie", third_party=True, emergency_contact=True, phones=("+33450000000",)
    )
    missing = missing_for_validation(DossierCheck((silent, granny), (CHILD,)))
    assert missing == ["Aucun responsable légal n'est joignable (téléphone ou e-mail)."]


def test_a_child_without_class():
    missing = missing_for_validation(DossierCheck((MOTHER,), (ChildCheck("Léa", True, False),)))
    assert missing == ["Léa : classe non renseignée."]


def test_the_matrix_grows_with_the_role():
    assert not allows(Role.AGENT, Permission.HEALTH_VIEW)
    assert allows(Role.COORDINATOR, Permission.HEALTH_VIEW)
    assert allows(Role.COORDINATOR, Permission.DEADLINE_OVERRIDE)
    assert not allows(Role.COORDINATOR, Permission.USER_MANAGE)
    assert allows(Role.REGISSEUR, Permission.INVOICE_RUN)
    assert all(allows(Role.ADMIN, p) for p in Permission)


def test_refusal_names_the_role_in_french():
    with pytest.raises(
        PermissionDenied,
        match=r"Votre profil \(Agent d'accueil\) ne permet pas de gérer les utilisateurs",
    ):
        require(Role.AGENT, Permission.USER_MANAGE)
