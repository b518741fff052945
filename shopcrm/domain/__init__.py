"""Pure-Python domain: dataclasses and rules. No I/O, no SQL, no Qt."""
