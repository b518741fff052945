"""Commands of this area (to be filled by its owner)."""
