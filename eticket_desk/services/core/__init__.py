"""The store and what every use case shares: the session and its actor, the audit, numbering, settings, the change topics, field checks."""
