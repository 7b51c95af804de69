"""Prefect's temporary server, started while the flow's modules import instead of after.

Without ``PREFECT_API_URL`` a flow run starts Prefect's temporary local server at its first API call, and waits
for it (about 15 s on 2 cores), after the command has spent about as long importing torch, PyG and
transformers. Starting the server process first lets the two overlap; the flow then finds it running. With
``PREFECT_API_URL`` set, or the temporary server switched off, nothing is started here.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable


def start_temporary_server() -> Callable[[], None]:
    """Start the temporary server in the background when the flow will need one; returns a wait for it."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return lambda: None
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the instance the flow's client uses (one per process)

    def start() -> None:
        with contextlib.suppress(Exception):  # the flow's own first call starts it again and reports why not
            server.start()

    thread = threading.Thread(target=start, name="prefect-temporary-server", daemon=True)
    thread.start()
    return thread.join
