"""The type checker, held at a baseline that only goes down: ``python -m tests.typecheck``.

Runs mypy with the configuration in pyproject.toml ([tool.mypy]) and compares the number of
errors with ``BASELINE``. More errors than that fails (fix the new ones: ``mypy`` lists them).
Fewer also fails, asking you to lower ``BASELINE`` to the new count in the same commit, so the
number can never creep back up. About a third of today's errors come from one cause: the same
dataclass for new and saved records, so every saved ``id`` is ``int | None``.
"""

from __future__ import annotations

import re
import sys

from mypy import api

BASELINE = 46


def count_errors(output: str) -> int:
    found = re.search(r"Found (\d+) errors? in", output)
    if found:
        return int(found.group(1))
    if "Success: no issues found" in output:
        return 0
    raise RuntimeError("mypy did not report a result:\n" + output)


def main() -> int:
    stdout, stderr, _status = api.run([])
    errors = count_errors(stdout)
    if errors > BASELINE:
        print(stdout, end="")
        print(
            f"typecheck: {errors} mypy errors, more than the baseline of {BASELINE}: fix the new"
            " ones (listed above)."
        )
        return 1
    if errors < BASELINE:
        print(
            f"typecheck: {errors} mypy errors, fewer than the baseline of {BASELINE}: well done."
            f" Set BASELINE = {errors} in tests/typecheck.py so it stays that way."
        )
        return 1
    print(f"typecheck: {errors} mypy errors (the baseline; it may only go down)")
    if stderr:
        print(stderr, end="", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
