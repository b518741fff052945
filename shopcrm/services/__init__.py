"""Use cases, Qt-free."""
