"""The people of a dossier in the editor: new guardians, third parties and children with
sensible defaults, and the flags a dossier gives one person only (payer, emergency contact)."""

from __future__ import annotations

from eticket_desk.services.families.data import AdultData, ChildData
from eticket_desk.ui.family_editor.people_page import PeoplePage


class DossierPeople:
    """Mixed into the dossier dialog (its pages: adults_page, children_page,
    third_parties_page; its dossier: _data; its _on_dossier_edited)."""

    def _first_adult(self) -> AdultData | None:
        items = self.adults_page.items()
        return items[0] if items else None

    def _everyone(self) -> list[AdultData]:
        return self.adults_page.items() + self.third_parties_page.items()

    def _new_adult(self) -> AdultData:
        everyone = self._everyone()
        return AdultData(
            legal_guardian=True,
            may_pick_up=True,
            billing=not any(a.billing for a in self.adults_page.items()),
            emergency_contact=not any(a.emergency_contact for a in everyone),
        )

    def _new_third_party(self) -> AdultData:
        return AdultData(third_party=True, may_pick_up=True)

    def _new_child(self) -> ChildData:
        first = self._first_adult()
        child = ChildData(last_name=first.last_name if first else "")
        if not self._data.health_visible:
            child.allergies = child.pai = child.treatments = None
        return child

    def _on_adult_form_flag_claimed(self, name: str) -> None:
        self._release_flag(name, self.adults_page)

    def _on_third_party_form_flag_claimed(self, name: str) -> None:
        self._release_flag(name, self.third_parties_page)

    def _release_flag(self, name: str, claimer: PeoplePage) -> None:
        """A dossier has one payer and one emergency contact: untick the previous one."""
        chosen = claimer.current_entry()
        for page in (self.adults_page, self.third_parties_page):
            changed = False
            for entry in page.entries:
                if entry is not chosen and getattr(entry.data, name, False):
                    setattr(entry.data, name, False)
                    changed = True
            if changed:
                page.refresh()
                if page is not claimer:
                    page.select(page.current_row())
        self._on_dossier_edited()
