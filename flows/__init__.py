"""Orchestration: the ``emoflow`` CLI now, Prefect flows composing the other packages later."""
