"""Reading back the events a flow emitted from the Prefect server the tests run against."""

from __future__ import annotations

import time

from prefect import get_client
from prefect.events.filters import EventFilter, EventNameFilter, EventResourceFilter


def events_named(name: str, resource: dict[str, str], *, wait_s: float = 60) -> list:
    """The server's events called ``name`` whose resource has every label of ``resource`` (its id included).

    Polled: events arrive asynchronously.
    """
    deadline = time.monotonic() + wait_s
    while True:
        with get_client(sync_client=True) as client:
            about = EventResourceFilter(id=[resource["prefect.resource.id"]])
            page = client.read_events(EventFilter(event=EventNameFilter(name=[name]), resource=about), limit=50)
        found = [e for e in page.events if all(e.resource.get(k) == v for k, v in resource.items())]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(1)
