"""Who may use the desk: users, roles and passwords, and a login turned into a person's name."""
