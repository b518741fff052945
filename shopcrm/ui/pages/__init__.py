"""UI pages."""
