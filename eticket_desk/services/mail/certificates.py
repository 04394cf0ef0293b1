"""« Envoyer les attestations par e-mail » after the yearly batch: each family's certificate of
frais de garde goes, with its PDF, to the adult who pays if he accepted documents by e-mail;
the others are counted with the reason. Queued once per family, year and address."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from eticket_desk.models import Family
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.organisation import organisation_data
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.certificate_data import care_by_family
from eticket_desk.services.invoicing.certificates import certificate_paths, check_year
from eticket_desk.services.mail.invoices import QueuedInvoices
from eticket_desk.services.mail.queue import NotQueued, queue_document, recipient_of
from eticket_desk.services.mail.texts import certificate_body, certificate_subject


@changes(Topic.MAIL, Topic.FAMILIES)
def queue_year_certificates(
    store: Store,
    actor: Actor,
    year: int,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> QueuedInvoices:
    """Queues the certificate of every family with care paid in `year` (its PDF written in the
    documents folder); `progress(done, total)` after each, `should_stop()` before each."""
    actor.require(Permission.INVOICE_RUN)
    check_year(store, year)
    with store.read() as session:
        cares = care_by_family(session, year)
        families = session.execute(
            select(Family.id, Family.reference, Family.display_name)
            .where(Family.id.in_(list(cares)))
            .order_by(Family.reference)
        ).all()
    result = QueuedInvoices()
    for done, (family_id, reference, name) in enumerate(families):
        if should_stop is not None and should_stop():
            result.stopped = True
            break
        try:
            with store.read() as session:
                recipient_of(session, family_id)
        except NotQueued as refusal:
            result.skipped.append((f"{reference} {name}", refusal.message))
        else:
            [path] = certificate_paths(store, actor, family_id, year)
            total = sum(child.amount_cents for child in cares[family_id])
            with store.write(actor) as session:
                org = organisation_data(session)
                recipient = recipient_of(session, family_id)
                queued = queue_document(
                    session,
                    kind="certificate",
                    document_id=f"{year}:{reference}",
                    recipient=recipient,
                    family_id=family_id,
                    subject=certificate_subject(org, year),
                    body=certificate_body(org, recipient.name, year, total),
                    attachment_name=path.name,
                    attachment_path=str(path),
                )
            result.queued += queued is not None
            result.already += queued is None
        if progress is not None:
            progress(done + 1, len(families))
    return result
