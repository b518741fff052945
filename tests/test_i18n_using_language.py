"""``using_language``: a print worker renders a guest's DM in their language without switching
the language of the screen (other threads keep theirs)."""

from __future__ import annotations

import threading

from shopcrm import i18n


def test_the_override_is_per_thread_and_undone():
    i18n.set_language("en")
    seen: dict[str, str] = {}
    inside = threading.Event()
    release = threading.Event()

    def worker():
        with i18n.using_language("ja") as lang:
            seen["lang"] = lang
            seen["worker"] = i18n._("Name")
            inside.set()
            release.wait(5)
        seen["after"] = i18n._("Name")

    t = threading.Thread(target=worker)
    t.start()
    assert inside.wait(5)
    assert i18n._("Name") == "Name" and i18n.current_language() == "en"  # the screen: English
    release.set()
    t.join(5)
    assert seen == {"lang": "ja", "worker": "氏名", "after": "Name"}
    with i18n.using_language(""):  # no language of their own: the current one
        assert i18n.current_language() == "en"
