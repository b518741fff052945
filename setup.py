"""Build hook only (everything else is in pyproject.toml): ``build_py`` also turns resources/
into package data, shopcrm/_resources, compiling the .po catalogs to .mo (shopcrm.resources)."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithResources(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable checkout reads resources/ itself (and caches compiled catalogs)
        sys.path.insert(0, str(ROOT))
        try:
            from shopcrm import resources
        finally:
            sys.path.remove(str(ROOT))
        resources.stage(Path(self.build_lib) / "shopcrm" / "_resources", ROOT / "resources")


setup(cmdclass={"build_py": BuildPyWithResources})
