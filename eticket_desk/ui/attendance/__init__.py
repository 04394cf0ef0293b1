"""The « Listes et présences » screen: attendance lists, presence marking, meal counts, checks."""

from eticket_desk.ui.attendance.attendance_screen import AttendanceScreen

__all__ = ["AttendanceScreen"]
