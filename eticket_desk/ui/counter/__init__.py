"""The counter (« Guichet »): selling tickets face to face, and the till."""
