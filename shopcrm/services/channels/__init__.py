"""Channels that reach guests besides print: LINE (``line``, with its webhook relay)."""
