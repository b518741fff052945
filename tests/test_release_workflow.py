"""The release workflow cannot run here: check that it parses, builds on the three systems, and
that every script and file it names exists (and the shell scripts parse)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _runs(workflow: dict) -> list[str]:
    return [
        step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]


def test_the_workflow_parses_and_builds_on_three_systems():
    workflow = _workflow()
    matrix = workflow["jobs"]["bundle"]["strategy"]["matrix"]["include"]
    systems = {entry["os"].split("-")[0] for entry in matrix}
    assert systems == {"ubuntu", "windows", "macos"}
    assert all(entry["artefacts"] for entry in matrix)
    uploads = [
        s
        for s in workflow["jobs"]["bundle"]["steps"]
        if s.get("uses", "").startswith("actions/upload")
    ]
    assert uploads and uploads[0]["with"]["if-no-files-found"] == "error"
    runs = "\n".join(_runs(workflow))
    assert runs.count("packaging/smoke_test.sh") == 2  # Windows and macOS (Linux: in its script)
    assert "smoke_test.sh" in (ROOT / "packaging" / "linux" / "build_linux.sh").read_text()


def test_every_file_the_workflow_names_exists():
    named = set()
    for run in _runs(_workflow()):
        named |= set(re.findall(r"((?:packaging|tests)/[\w./-]+\.(?:sh|py|iss))", run))
    assert named, "the workflow names no scripts"
    missing = sorted(p for p in named if not (ROOT / p).is_file())
    assert not missing, missing
    assert {"packaging/linux/build_linux.sh", "packaging/windows/shopcrm.iss"} <= named


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_shell_scripts_parse():
    for script in sorted((ROOT / "packaging").rglob("*.sh")):
        out = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert out.returncode == 0, f"{script}: {out.stderr}"
        assert script.stat().st_mode & 0o111, f"{script} is not executable"


def test_the_installer_is_per_user():
    iss = (ROOT / "packaging" / "windows" / "shopcrm.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in iss
    assert "Japanese.isl" in iss
