"""The desk's side of the portal, clicked like an agent: a document a parent sent shows in the
dossier's « Documents » tab and in the list to process, opens, is refused with a reason or
accepted; a message of the mairie is written, listed and withdrawn."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from eticket_desk.models import Family, MairieMessage, OutboxOp, ParentDocument
from eticket_desk.services.core.store import SYNC_ACTOR
from eticket_desk.ui.portal import DocumentsPanel, PortalScreen

PDF = b"%PDF-1.4 certificat"


def pulled_document(store, family, child=None, kind="certificat_medical") -> uuid.UUID:
    """A document as the pull brings it (the sync's own write)."""
    document_id = uuid.uuid4()
    with store.write(SYNC_ACTOR) as session:
        session.add(
            ParentDocument(
                id=document_id,
                family_id=family.id,
                child_id=child.id if child else None,
                kind=kind,
                filename="certificat.pdf",
                content_type="application/pdf",
                size=len(PDF),
                sha256=hashlib.sha256(PDF).hexdigest(),
                comment="Angine",
                sent_by="Claire Dupont",
                sent_at=datetime(2026, 9, 14, 8, 12),
                state="sent",
                reason="",
                reviewed_by="",
            )
        )
    return document_id


class _Client:
    """The server's answer to « the bytes of this document » (the network is tested in
    tests/sync/test_portal_documents.py)."""

    def document(self, _document_id):
        return PDF

    def close(self):
        pass


def _name(store, family_id) -> str:
    with store.read() as session:
        return session.get(Family, family_id).display_name


def _cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_the_agent_refuses_a_document_with_a_reason_and_it_leaves_the_list(
    qtbot, ctx, store, family
):
    document_id = pulled_document(store, family)
    screen = PortalScreen(ctx)
    qtbot.addWidget(screen)
    panel = screen.documents
    assert _cells(panel.table) == [
        [
            "14/09/2026 08:12",
            _name(store, family.id),
            "Certificat médical",
            "—",
            "certificat.pdf",
            "Angine",
            "à traiter",
        ]
    ]
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.refuse_button, Qt.MouseButton.LeftButton)
    dialog = panel.review_dialog
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Indiquez le motif du refus : la famille le lira sur le portail."
    dialog.reason_edit.setPlainText("Certificat illisible")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert panel.table.rowCount() == 0
    assert panel.count_label.text() == "Aucun document à traiter."
    assert panel.status_label.text() == (
        "Document « certificat.pdf » refusé : la famille verra le motif."
    )
    with store.read() as session:
        document = session.get(ParentDocument, document_id)
        assert (document.state, document.reason) == ("refused", "Certificat illisible")
        [op] = session.scalars(select(OutboxOp).where(OutboxOp.type == "document.review"))
        assert op.entity_key == f"document:{document_id}"


def test_the_dossier_tab_opens_a_document_fetched_from_the_server(
    qtbot, ctx, store, family, monkeypatch
):
    pulled_document(store, family, family.children[0])
    monkeypatch.setattr("eticket_desk.ui.portal.documents_panel.make_client", lambda s: _Client())
    panel = DocumentsPanel(ctx, family.id)
    qtbot.addWidget(panel)
    opened = []
    panel.opener = opened.append
    assert [row[2] for row in _cells(panel.table)] == ["Léa DUPONT"]
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opened != [])
    assert opened[0].read_bytes() == PDF
    assert panel.accept_button.isEnabled()


@pytest.mark.usefixtures("school_year")
def test_a_message_is_written_listed_and_withdrawn(qtbot, ctx, store, family):
    screen = PortalScreen(ctx)
    qtbot.addWidget(screen)
    section = screen.messages
    section.title_edit.setText("Fermeture exceptionnelle")
    section.text_edit.setPlainText("La cantine est fermée vendredi.")
    section.until_edit.setDate(QDate(2026, 10, 2))
    section.audience_combo.setCurrentIndex(1)
    section.reference_edit.setText("inconnu")
    qtbot.mouseClick(section.publish_button, Qt.MouseButton.LeftButton)
    assert section.error.text() == "Aucune famille n'a ce numéro de dossier."
    section.reference_edit.setText(family.reference)
    qtbot.mouseClick(section.publish_button, Qt.MouseButton.LeftButton)
    rows = _cells(section.table)
    assert [r[0] for r in rows] == ["Fermeture exceptionnelle"]
    assert rows[0][2:4] == ["02/10/2026", "affiché"]

    section.table.selectRow(0)
    qtbot.mouseClick(section.withdraw_button, Qt.MouseButton.LeftButton)
    assert _cells(section.table)[0][3] == "retiré"
    with store.read() as session:
        message = session.scalars(select(MairieMessage)).one()
        assert (message.family_id, message.valid_until, message.withdrawn) == (
            family.id,
            date(2026, 10, 2),
            True,
        )
        types = session.scalars(select(OutboxOp.type).where(OutboxOp.type == "message.upsert"))
        assert len(list(types)) == 2
