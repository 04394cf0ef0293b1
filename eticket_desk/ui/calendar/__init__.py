"""The « Calendrier » administration screen: school years, closures, the year view."""
