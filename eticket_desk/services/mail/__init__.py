"""E-mail from the desk: SMTP settings, the outgoing queue, the sender, what is sent."""
