"""Paper forms and subscriptions: terms staged, planned into days and applied."""
