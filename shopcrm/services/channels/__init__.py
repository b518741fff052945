"""Channels beside print that reach a guest: e-mail (``email``, ``smtp``, ``email_run``).

Who a channel may reach is decided in ``reach`` only; consents live in ``store/consents.py``.
Nothing here imports Qt.
"""
