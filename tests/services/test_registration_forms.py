"""Paper forms as a whole: the family's children for the form, preview, one transaction."""

from __future__ import annotations

from datetime import date

import pytest

from eticket_desk.rules.booking import BookingRefused
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.templates import FareOption, Parity, WeekTemplate
from eticket_desk.services.catalogue.organisation import list_schools
from eticket_desk.services.families.dossiers import save_family
from eticket_desk.services.families.registration_forms import (
    apply_form,
    load_form_family,
    preview_form,
)
from eticket_desk.services.subscriptions.forms import SubscriptionDraft, list_subscriptions
from tests.conftest import complete_family, validated_family

PERIOD_1 = (date(2026, 9, 1), date(2026, 10, 16))
SCHOOL_DAYS = frozenset({0, 1, 2, 3, 4})


@pytest.fixture
def family(store, admin, schools, activities):
    return validated_family(store, admin, schools)


def _draft(child_id, activity, days=SCHOOL_DAYS, **options):
    return SubscriptionDraft(child_id, activity.id, *PERIOD_1, WeekTemplate(days), **options)


def _add_ps_child(store, admin, family):
    """A second child in petite section: TAP (CP to CM2) does not concern her."""
    school = list_schools(store)[0]
    ps = next(c for c in school.classes if c.name == "PS")
    family.children.append(
        type(family.children[0])(
            last_name="Dupont",
            first_name="Jade",
            birth_date=date(2023, 2, 1),
            school_id=school.id,
            class_id=ps.id,
        )
    )
    return save_family(store, admin, family)


def test_the_form_knows_each_child_where_and_what_they_are_registered_for(
    store, admin, family, activities
):
    family = _add_ps_child(store, admin, family)
    lea, jade = family.children
    apply_form(store, admin, [_draft(lea.id, activities["CANTINE"], frozenset({0, 1}))])
    loaded = load_form_family(store, admin, family.id)
    assert loaded.reference == family.reference
    assert loaded.status == FamilyStatus.VALIDATED
    assert [c.label for c in loaded.children] == [
        "Léa Dupont — CP, École Jules Ferry",
        "Jade Dupont — PS, École Jules Ferry",
    ]
    assert [c.level for c in loaded.children] == ["CP", "PS"]
    [subscription] = loaded.children[0].subscriptions
    assert subscription.activity_name == "Cantine"
    assert subscription.template.weekdays == frozenset({0, 1})
    assert loaded.children[1].subscriptions == ()
    over = loaded.children[0].subscriptions_over
    assert over(activities["CANTINE"].id, date(2026, 10, 1), date(2026, 10, 30))
    assert not over(activities["CANTINE"].id, date(2026, 11, 2), date(2026, 12, 18))


def test_a_refused_line_refuses_the_whole_form(store, admin, family, activities):
    family = _add_ps_child(store, admin, family)
    jade = family.children[1]
    drafts = [_draft(jade.id, activities["CANTINE"]), _draft(jade.id, activities["TAP"])]
    outcomes = preview_form(store, admin, drafts)
    assert outcomes[0].preview is not None and outcomes[0].refusal == ""
    assert outcomes[1].preview is None
    assert outcomes[1].refusal == (
        "Jade Dupont n'est pas concerné(e) par l'activité TAP (école ou classe)."
    )
    with pytest.raises(BookingRefused):
        apply_form(store, admin, drafts)
    assert list_subscriptions(store, admin, jade.id) == []  # not even the canteen


def test_applying_the_same_form_twice_changes_nothing(store, admin, family, activities):
    lea = family.children[0]
    drafts = [
        _draft(lea.id, activities["CANTINE"], frozenset({0, 1, 3, 4})),
        _draft(
            lea.id,
            activities["BUS"],
            frozenset({0, 2}),
            fare_option=FareOption.TWO,
        ),
    ]
    first = apply_form(store, admin, drafts)
    assert [len(p.to_book) for p in first] == [19, 8]
    second = apply_form(store, admin, drafts)
    assert [len(p.to_book) for p in second] == [0, 0]
    assert [len(p.already) for p in second] == [19, 8]
    assert [p.to_cancel for p in second] == [(), ()]
    subscriptions = list_subscriptions(store, admin, lea.id)
    assert len(subscriptions) == 2
    assert subscriptions[1].fare_option == FareOption.TWO


def test_preview_writes_nothing_and_refuses_a_dossier_not_validated(
    store, admin, schools, activities
):
    draft = save_family(store, admin, complete_family(schools, last_name="Petit"))
    child = draft.children[0]
    [outcome] = preview_form(store, admin, [_draft(child.id, activities["CANTINE"])])
    assert outcome.preview is None
    assert outcome.refusal.startswith("Le dossier de Léa Petit n'est pas validé")
    assert list_subscriptions(store, admin, child.id) == []


def test_even_weeks_only_in_the_preview(store, admin, family, activities):
    lea = family.children[0]
    draft = SubscriptionDraft(
        lea.id,
        activities["BUS"].id,
        date(2026, 9, 21),
        date(2026, 10, 2),
        WeekTemplate(frozenset({0}), Parity.EVEN),
    )
    [outcome] = preview_form(store, admin, [draft])
    assert outcome.preview.to_book == (date(2026, 9, 28),)  # ISO week 40


def test_an_empty_form_does_nothing(store, admin, family):
    assert preview_form(store, admin, []) == []
    assert apply_form(store, admin, []) == []
