"""Channels beside print that reach a guest: e-mail (``email``, ``smtp``, ``email_run``) and
LINE (``line``, with its webhook relay ``line_relay`` and the printed link slip ``line_slip``).

Who a channel may reach is decided in ``reach`` only; consents live in ``store/consents.py``,
LINE links in ``store/line_links.py``. Nothing here imports Qt.
"""
