"""Paramètres › Organisation, money to the Trésor: the SIRET, the PES V2 codes, the SEPA
creditor identifier (ICS), the account credited and the debit delay are checked by the
libraries made for them and refused in French with nothing saved; what is saved travels to the
server with the organisation; the runs issued before this version get their number in the
year (the PES bordereau) and the next run follows them."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from eticket_desk.models import Organisation
from eticket_desk.models.database import make_engine, migrate
from eticket_desk.rules.errors import InvalidInput, ValidationFailed
from eticket_desk.rules.treasury import check_bic, check_iban, check_ics, masked_iban
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.core.numbering import next_number
from eticket_desk.services.core.store import Store
from eticket_desk.sync.planning_ops import organisation_ops
from tests.services.test_invoicing import canteen  # noqa: F401

GOOD = dict(
    collection_mode="titres",
    siret="213 804 586 00013",  # Luhn-valid, spaces typed as on the SIRENE notice
    pes_id_post="0380910",
    pes_cod_col="123",
    pes_cod_bud="01",
    sepa_ics="fr72 zzz 123456",
    sepa_iban="FR76 3000 6000 0112 3456 7890 189",
    sepa_bic="",
    sepa_pain_version="pain.008.001.08",
    sepa_debit_delay_days=10,
)


def _with(store, **changes):
    return dataclasses.replace(load_organisation(store), name="Mairie de Neuvecelle", **changes)


def test_good_values_are_stored_compact_and_travel_with_the_organisation(store, admin):
    save_organisation(store, admin, _with(store, **GOOD))
    kept = load_organisation(store)
    assert (kept.siret, kept.sepa_ics, kept.sepa_iban) == (
        "21380458600013",
        "FR72ZZZ123456",
        "FR7630006000011234567890189",
    )
    assert kept.sepa_bic == "AGRIFRPPXXX"  # the IBAN's bank, found by schwifty
    assert (kept.collection_mode, kept.sepa_pain_version, kept.sepa_debit_delay_days) == (
        "titres",
        "pain.008.001.08",
        10,
    )
    with store.read() as session:
        [(_op, payload, _key, _label)] = organisation_ops(
            session, [session.scalar(select(Organisation.id))]
        )
    assert (payload["collection_mode"], payload["sepa_ics"], payload["pes_cod_bud"]) == (
        "titres",
        "FR72ZZZ123456",
        "01",
    )


def test_each_bad_value_is_refused_beside_its_field_and_nothing_is_saved(store, admin):
    save_organisation(store, admin, _with(store, **GOOD))
    bad = dict(
        siret="21380458600014",
        pes_id_post="38091",
        pes_cod_col="12A",
        sepa_ics="FR73ZZZ123456",
        sepa_iban="FR76 3000 6000 0112 3456 7890 188",
        sepa_debit_delay_days=1,
    )
    with pytest.raises(ValidationFailed) as refused:
        save_organisation(store, admin, _with(store, **{**GOOD, **bad}))
    errors = refused.value.errors
    assert set(errors) == set(bad)
    assert errors["siret"].startswith("Ce SIRET n'est pas valide")
    assert errors["pes_id_post"] == (
        "Le code du poste comptable (IdPost) compte 7 chiffres (donné par la trésorerie)."
    )
    assert errors["sepa_ics"] == "La clé de l'identifiant créancier SEPA (ICS) ne correspond pas."
    assert errors["sepa_iban"].startswith("Cet IBAN n'est pas valide")
    assert "de 2 à 60 jours" in errors["sepa_debit_delay_days"]
    assert load_organisation(store).siret == "21380458600013"


def test_the_identifier_checks_say_what_is_wrong_in_french():
    with pytest.raises(InvalidInput, match="s'écrit comme FR12ZZZ123456"):
        check_ics("123456")
    with pytest.raises(InvalidInput, match="L'IBAN est obligatoire"):
        check_iban("  ")
    with pytest.raises(InvalidInput, match="BIC n'est pas valide"):
        check_bic("AGRI")
    assert check_bic("agrifrpp", "") == "AGRIFRPP"
    assert masked_iban("FR76 3000 6000 0112 3456 7890 189") == "FR76 •••• 0189"


def test_runs_issued_before_get_their_number_in_the_year_and_the_next_follows(tmp_path, clock):
    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    migrate(engine, "0018")
    with engine.begin() as connection:
        for run_id, issued in (
            ("a" * 32, "2026-10-05 09:00:00"),
            ("b" * 32, "2026-11-04 09:00:00"),
        ):
            connection.exec_driver_sql(
                "INSERT INTO invoice_run (id, kind, period_start, period_end, period_label,"
                " issued_at, by, invoices, total_cents) VALUES (?, 'month', '2026-09-01',"
                " '2026-09-30', 'septembre 2026', ?, 'regie', 0, 0)",
                (run_id, issued),
            )
    engine.dispose()
    with Store(path, clock) as store:
        with store.engine.connect() as connection:
            numbers = connection.exec_driver_sql(
                "SELECT number_in_year FROM invoice_run ORDER BY issued_at"
            ).scalars()
            assert list(numbers) == [1, 2]
        with store.engine.begin() as connection:
            from sqlalchemy.orm import Session

            with Session(bind=connection) as session:
                assert next_number(session, "invoice-run-2026") == 3


def test_a_town_with_invoices_and_bookings_goes_back_to_0018_and_up_again_keeping_them(
    store,
    admin,
    schools,
    canteen,  # noqa: F811
    clock,
):
    """Columns are added and dropped in place: no table that other rows point at (invoice,
    activity) is rebuilt, which SQLite would refuse with those rows' references checked."""
    from alembic import command

    from eticket_desk.models import Invoice, InvoiceLine
    from eticket_desk.models.database import alembic_config
    from eticket_desk.services.invoicing.run import issue_run
    from tests.services.test_invoice_debit_notice import _town_on_debit
    from tests.services.test_invoicing import NOVEMBER

    debited, _paying, mandate = _town_on_debit(store, admin, schools, canteen, clock)
    issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        before = sorted((i.number, i.total_cents) for i in session.scalars(select(Invoice)))
        lines = len(session.scalars(select(InvoiceLine)).all())
    command.downgrade(alembic_config(store.engine), "0018")
    migrate(store.engine)
    with store.read() as session:
        after = session.scalars(select(Invoice)).all()
        assert sorted((i.number, i.total_cents) for i in after) == before
        assert len(session.scalars(select(InvoiceLine)).all()) == lines
        # What 0019 added starts empty again: the mandate is gone with its table's rows.
        assert {i.mandate_id for i in after} == {None}
