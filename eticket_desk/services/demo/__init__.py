"""The demo town (a feature: `eticket-desk demo`): activities, families and their history."""
