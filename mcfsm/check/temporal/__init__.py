"""Temporal properties: states marked during the search, lassos under fairness, and the
lassos that random runs close."""
