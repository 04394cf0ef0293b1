"""Screenshots of a dossier conflict: the editor's banner, the dialog where the agent keeps
the server's value or takes this desk's back, and its sync issue.

`python -m devtools.screenshots.dossier_conflicts OUT_DIR` renders them over a throw-away
store holding the sample family, its first adult's address changed here and, first, at the
annex (the server's answer to this desk's op, as a push would record it).
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

from PySide6.QtWidgets import QApplication

from devtools.screenshots.tools import grab
from eticket_desk.models import Adult
from eticket_desk.services.families.dossiers import load_family, save_family
from eticket_desk.services.syncing.answers import record_answers
from eticket_desk.services.syncing.state import SYNC_ACTOR, pending_ops
from eticket_desk.sync.family_ops import keep_baselines
from eticket_desk.sync.protocol import OpResult, OpStatus, OpType
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.family_editor.dialog import FamilyEditorDialog
from eticket_desk.ui.sync.issues_screen import SyncIssuesScreen


def give_a_conflict(
    store, actor, family_id: uuid.UUID, typed_here: str, typed_there: str, there_by: str
) -> None:
    """The first adult's address1 typed here while `there_by` typed another at the annex,
    which synced first: the server's answer recorded, and the desk left as its pull would
    leave it (the server's value on screen, this desk's kept in the conflict)."""
    data = load_family(store, actor, family_id)
    data.adults[0].address1 = typed_here
    save_family(store, actor, data)
    adult = load_family(store, actor, family_id).adults[0]
    rows = [
        r
        for r in pending_ops(store, 100_000)
        if r.type == OpType.FAMILY_UPSERT and json.loads(r.payload)["family_id"] == str(family_id)
    ]
    at = store.clock.now().replace(microsecond=0)
    conflict = {
        "path": f"adults/{adult.id}/address1",
        "label": f"{adult.relation} ({adult.first_name} {adult.last_name}) — adresse ligne 1",
        "server": {
            "value": typed_there,
            "by": there_by,
            "at": at.replace(minute=max(at.minute - 20, 0)).isoformat(),
            "where": "Annexe école",
        },
        "desk": {"value": typed_here, "by": actor.full_name, "at": at.isoformat(), "where": ""},
    }
    last = rows[-1]
    answers = [
        OpResult(
            op_id=row.op_id,
            seq=row.seq,
            status=OpStatus.APPLIED,
            result={"family_id": str(family_id), "version": 2}
            | ({"conflicts": [conflict]} if row is last else {}),
        )
        for row in rows
    ]
    record_answers(store, rows, answers)
    with store.write(SYNC_ACTOR) as session:  # what the pull of the merged dossier does
        session.get(Adult, adult.id).address1 = typed_there
        session.flush()
        keep_baselines(session, [family_id])


def render_conflict_screens(ctx: AppContext, out_dir: Path, family_id: uuid.UUID) -> list[Path]:
    """The dossier with its conflict banner, and the conflict dialog. Writes: demo store."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    give_a_conflict(
        ctx.store, ctx.actor, family_id, "8 chemin du Lac", "3 place de la Mairie", "Claire Martin"
    )
    dialog = FamilyEditorDialog(ctx, family_id)
    dialog.resize(1000, 700)
    dialog.show()
    QApplication.processEvents()
    paths = [grab(dialog, out_dir / "family_editor_conflict.png")]
    dialog.conflicts.open_button.click()
    QApplication.processEvents()
    paths.append(grab(dialog.conflicts.dialog, out_dir / "dossier_conflict_dialog.png", fit=True))
    dialog.conflicts.dialog.reject()
    dialog.close()
    issues = SyncIssuesScreen(ctx)
    paths.append(grab(issues, out_dir / "sync_issue_conflict.png", (1000, 420), close=True))
    issues.deleteLater()
    return paths


def main(argv: list[str]) -> int:
    from devtools.screenshots.family_editor import run_with_sample_dossier

    return run_with_sample_dossier(argv, render_conflict_screens)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
