"""The "Activités" administration screen: the activities table and the activity editor."""

from eticket_desk.ui.activities.activities_screen import ActivitiesScreen

__all__ = ["ActivitiesScreen"]
