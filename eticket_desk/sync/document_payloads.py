"""The payloads of the parents' documents and of the mairie's messages: a desk's review of a
document a parent sent from the portal, and a message the mairie writes for the portal."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StrictBool, model_validator

from eticket_desk.sync.payloads import LongText, Text, Wire

# The kinds of document a parent may send, and how the pages and the desk name them.
DOCUMENT_KINDS = {
    "certificat_medical": "Certificat médical",
    "quotient_familial": "Attestation de quotient familial",
}


class DocumentReview(Wire):
    """A desk accepts a document or refuses it with a reason the parent will read."""

    document_id: uuid.UUID
    state: Literal["accepted", "refused"]
    reason: LongText = ""

    @model_validator(mode="after")
    def _reason_when_refused(self) -> DocumentReview:
        if self.state == "refused" and not self.reason.strip():
            raise ValueError("un document refusé doit porter le motif du refus")
        return self


class MessageUpsert(Wire):
    """A message of the mairie: to every family (`family_id` None) or one, shown on the
    portal's accueil up to `valid_until` included, unless withdrawn."""

    message_id: uuid.UUID
    family_id: uuid.UUID | None = None
    title: Annotated[str, Field(min_length=1, max_length=200)]
    text: Annotated[str, Field(min_length=1, max_length=4000)]
    valid_until: date
    withdrawn: StrictBool = False
    written_by: Text = ""
