"""« Mes documents »: a parent sends a certificat médical or an attestation de quotient
familial to the mairie (PDF, JPEG or PNG up to 5 MB, its type read from its content: checks in
eticket_central/documents.py; the body's size is capped by the guard before it is read), sees
each one's state (envoyé, accepté, refusé with the reason) and downloads their own back."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from eticket_central.changes import flush_changes
from eticket_central.documents import (
    MAX_DOCUMENT_BYTES,
    STATE_LABELS,
    DocumentRefused,
    download,
    family_documents,
    own_document,
    store_document,
    too_big_message,
)
from eticket_central.models import Child, Family
from eticket_central.portal.web.csrf import UploadFormDep
from eticket_central.portal.web.messages import see_other
from eticket_central.portal.web.session import WebParentDep
from eticket_central.portal.web.templating import render
from eticket_desk.sync.protocol import DOCUMENT_KINDS

router = APIRouter()
PAGE = "/portail/documents"


def _children(session, parent) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Child.id, Child.name).where(
            Child.tenant_id == parent.tenant_id, Child.family_id == parent.family_id
        )
    ).all()
    return sorted((str(child_id), name) for child_id, name in rows)


def _page(request: Request, parent, status: int = 200, **context) -> Response:
    with request.app.state.sessions.begin() as session:
        children = _children(session, parent)
        names = dict(children)
        documents = [
            {
                "id": d.id,
                "kind": DOCUMENT_KINDS.get(d.kind, d.kind),
                "filename": d.filename,
                "child": names.get(str(d.child_id), "") if d.child_id else "",
                "sent_at": d.sent_at,
                "state": d.state,
                "state_label": STATE_LABELS[d.state],
                "reason": d.reason,
            }
            for d in family_documents(session, parent.tenant_id, parent.family_id)
        ]
    return render(
        request,
        "documents.html",
        parent,
        active="documents",
        status=status,
        documents=documents,
        kinds=DOCUMENT_KINDS,
        children=children,
        errors=context.pop("errors", {}),
        typed=context.pop("typed", {}),
        **context,
    )


@router.get("/documents")
def documents_page(request: Request, parent: WebParentDep) -> Response:
    return _page(request, parent)


def _sender(session, parent) -> str:
    """The guardian who sent it, as the desk shows it (else the portal's login)."""
    family = session.get(Family, parent.family_id)
    adult = next(
        (a for a in family.data.get("adults", []) if a.get("id") == str(parent.adult_id)), None
    )
    if adult is None:
        return parent.login
    return f"{adult.get('first_name', '')} {adult.get('last_name', '')}".strip()


@router.post("/documents")
async def send_document(request: Request, parent: WebParentDep, form: UploadFormDep) -> Response:
    """Checked, then kept in one transaction with its change for the desks; a refusal shows
    the page again with the reason next to its field and the choices kept."""
    upload = form.get("fichier")
    kind, comment = str(form.get("type", "")), str(form.get("commentaire", ""))
    child = str(form.get("enfant", ""))
    typed = {"type": kind, "enfant": child, "commentaire": comment}
    content = b""
    if isinstance(upload, UploadFile):
        content = await upload.read(MAX_DOCUMENT_BYTES + 1)
    try:
        if len(content) > MAX_DOCUMENT_BYTES:
            raise DocumentRefused("fichier", too_big_message())
        try:
            child_id = uuid.UUID(child) if child else None
        except ValueError:
            raise DocumentRefused("enfant", "Choisissez un de vos enfants dans la liste.") from None
        state = request.app.state
        now = state.clock.now()
        with state.sessions.begin() as session:
            document = store_document(
                session,
                parent.tenant_id,
                parent.family_id,
                kind=kind,
                filename=upload.filename if isinstance(upload, UploadFile) else "",
                content=content,
                child_id=child_id,
                comment=comment,
                sent_by=_sender(session, parent),
                now=now,
            )
            name = document.filename
            flush_changes(session, parent.tenant_id, None, now)
    except DocumentRefused as refused:
        return _page(
            request,
            parent,
            status=422,
            errors={refused.field: refused.message},
            typed=typed,
            message={
                "kind": "erreur",
                "text": "Le document n'a pas été envoyé : voyez le champ signalé.",
            },
        )
    return see_other(PAGE, f"Document « {name} » envoyé à la mairie.")


@router.get("/documents/{document_id}")
def download_document(document_id: str, request: Request, parent: WebParentDep) -> Response:
    """The parent's own document, as an attachment (another family's: 404, like none)."""
    try:
        wanted = uuid.UUID(document_id)
    except ValueError:
        raise HTTPException(404, "Document introuvable.") from None
    with request.app.state.sessions.begin() as session:
        return download(own_document(session, parent.tenant_id, parent.family_id, wanted))
