"""E-mail from the desk: the background sender, the « Messagerie » queue, a family's log."""
