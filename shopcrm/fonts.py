"""The Japanese font the app brings (IPAexGothic, from the ``matplotlib-fontja`` wheel).

One file serves Qt (``QFontDatabase.addApplicationFont``), matplotlib (``fontManager.addfont``) and
reportlab (``TTFont``, embedded as a subset), so Japanese shows the same on a machine with no
Japanese fonts installed. IPA Font License: redistributed unmodified with its licence text.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

FONT_FAMILY = "IPAexGothic"


@cache
def japanese_font_path() -> Path:
    # The wheel's folder, found without importing it: importing matplotlib_fontja imports
    # matplotlib, which was 0.8 s of the app's start (the charts import it when they need it).
    import importlib.util

    spec = importlib.util.find_spec("matplotlib_fontja")
    folders = list(spec.submodule_search_locations or ()) if spec else []
    if folders:
        path = Path(folders[0]) / "fonts" / "ipaexg.ttf"
    else:  # an unusual install (a zip): let importlib.resources find it
        path = Path(str(files("matplotlib_fontja") / "fonts" / "ipaexg.ttf"))
    if not path.is_file():
        raise FileNotFoundError(f"bundled Japanese font missing: {path}")
    return path


def font_licence_path() -> Path:
    return japanese_font_path().with_name("IPA_Font_License_Agreement_v1.0.txt")
