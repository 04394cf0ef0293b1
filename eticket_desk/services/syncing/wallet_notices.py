"""After a sync, a family's wallet below zero is a notice the agent sees among the sync
issues (« Porte-monnaie de la famille Dupont : −2 tickets Garderie après synchronisation —
vendez des tickets ou corrigez »), on every desk that sees it, once per occurrence.

A desk never lets a wallet go negative by itself (no booking beyond the balance); two desks
offline can (each spent the family's last tickets). The notice of a (family, ticket type)
stays until the wallet is back to zero or more (`cleared_at`): only then can a new one be
raised. Nothing here emits an op: the notice is this desk's own.
"""

from __future__ import annotations

from sqlalchemy import func, select

from eticket_desk.models import Adult, Family, SyncNotice, TicketType, WalletEntry
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.syncing.state import SYNC_ACTOR

WALLET_NEGATIVE = "wallet_negative"
# The other kind of sync notice: a desk restored from a backup reloaded (syncing/restore.py).
DESK_RESTORED = "desk_restored"


def _key(family_id, ticket_type_id) -> str:
    return f"wallet:{family_id}:{ticket_type_id}"


def _family_name(session, family: Family) -> str:
    """« Dupont »: the dossier's first adult's last name (its display name otherwise)."""
    last = session.scalar(
        select(Adult.last_name)
        .where(Adult.family_id == family.id, Adult.third_party.is_(False))
        .order_by(Adult.position)
        .limit(1)
    )
    return last.strip().title() if last else family.display_name


def wallet_message(name: str, balance: int, ticket_name: str) -> str:
    tickets = "ticket" if abs(balance) == 1 else "tickets"
    return (
        f"Porte-monnaie de la famille {name} : −{abs(balance)} {tickets} {ticket_name} après "
        "synchronisation — vendez des tickets ou corrigez le porte-monnaie."
    )


@changes(Topic.SYNC)
def raise_wallet_notices(store) -> int:
    """Raises a notice for each wallet below zero that has none open, clears those of the
    wallets back to zero or more; returns the number of notices raised."""
    raised = 0
    with store.write(SYNC_ACTOR) as session:
        now = session.info["now"]
        balances = session.execute(
            select(
                WalletEntry.family_id, WalletEntry.ticket_type_id, func.sum(WalletEntry.quantity)
            )
            .group_by(WalletEntry.family_id, WalletEntry.ticket_type_id)
            .having(func.sum(WalletEntry.quantity) < 0)
        ).all()
        negative = {_key(f, t): (f, t, balance) for f, t, balance in balances}
        open_notices = session.scalars(
            select(SyncNotice).where(
                SyncNotice.kind == WALLET_NEGATIVE, SyncNotice.cleared_at.is_(None)
            )
        ).all()
        for notice in open_notices:
            if notice.key not in negative:
                notice.cleared_at = now  # the occurrence is over
        current = {notice.key for notice in open_notices}
        for key, (family_id, ticket_type_id, balance) in negative.items():
            if key in current:
                continue
            family = session.get(Family, family_id)
            ticket = session.get(TicketType, ticket_type_id)
            if family is None or ticket is None:
                continue
            session.add(
                SyncNotice(
                    key=key,
                    kind=WALLET_NEGATIVE,
                    subject=f"Dossier {family.reference} — {family.display_name}",
                    message=wallet_message(_family_name(session, family), balance, ticket.name),
                    raised_at=now,
                )
            )
            raised += 1
    return raised
