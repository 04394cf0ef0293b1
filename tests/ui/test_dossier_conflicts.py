"""A dossier conflict on screen: the editor's banner, the dialog with both values and who
typed them, and the agent's choice (the field written, the sync issue closed)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from devtools.screenshots.dossier_conflicts import give_a_conflict
from eticket_desk.services.families.dossiers import load_family
from eticket_desk.services.syncing.issues import list_sync_issues
from eticket_desk.services.syncing.state import pending_ops
from eticket_desk.sync.protocol import OpType
from eticket_desk.ui.family_editor import FamilyEditorDialog

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def conflicted(store, admin, family):
    give_a_conflict(store, admin, family.id, "8 chemin du Lac", "3 place de la Mairie", "Claire")
    return family.id


def _editor(qtbot, ctx, family_id) -> FamilyEditorDialog:
    dialog = FamilyEditorDialog(ctx, family_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.parametrize(
    ("button", "address"), [("take", "8 chemin du Lac"), ("keep", "3 place de la Mairie")]
)
def test_the_agent_chooses_a_value_and_the_conflict_and_its_issue_close(
    qtbot, ctx, store, admin, conflicted, button, address
):
    [issue] = list_sync_issues(store, admin)
    assert (issue.title, issue.merged) == (
        "Dossier fusionné — conflit de modification à régler",
        True,
    )
    editor = _editor(qtbot, ctx, conflicted)
    banner = editor.conflicts
    assert banner.isVisible()
    assert banner.text.text() == "⚠ 1 conflit de modification à régler"

    qtbot.mouseClick(banner.open_button, LEFT)
    dialog = banner.dialog
    qtbot.waitExposed(dialog)
    [(conflict_id, (keep, take, done))] = dialog.rows.items()
    texts = [label.text() for label in dialog.findChildren(type(done)) if label.text()]
    assert "Mère (Marie Dupont) — adresse ligne 1" in texts
    now = store.clock.now()
    assert f"« 3 place de la Mairie »\nClaire, le {now:%d/%m/%Y} à {now.hour:02d}:" in "\n".join(
        texts
    )
    assert any(t.startswith("« 3 place de la Mairie »") and "(Annexe école)" in t for t in texts)
    here = f"« 8 chemin du Lac »\n{admin.full_name}, le {now:%d/%m/%Y à %H:%M} (ce poste)"
    assert here in texts

    waiting = len(pending_ops(store, 100))
    qtbot.mouseClick(take if button == "take" else keep, LEFT)
    assert done.isVisible() and not keep.isVisible() and not take.isVisible()
    assert not banner.isVisible()  # no conflict left on the dossier
    assert list_sync_issues(store, admin) == []  # the issue closed with it
    assert load_family(store, admin, conflicted).adults[0].address1 == address
    editor.tabs.setCurrentWidget(editor.adults_page)
    editor.adults_page.select(0)
    assert editor.adult_form.fields["address1"].line_edit.text() == address  # read again
    sent = [r for r in pending_ops(store, 100) if r.type == OpType.FAMILY_UPSERT]
    assert len(pending_ops(store, 100)) == waiting + (1 if button == "take" else 0)
    if button == "take":
        assert sent[-1].payload.count("8 chemin du Lac") == 1  # the field goes to the server
    dialog.reject()
