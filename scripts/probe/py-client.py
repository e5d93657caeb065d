"""Everyday calls of msgraph-sdk (Python) against `contract mock`.

Prints one line per call (ok / FAIL and a short reason), then "python: N of M calls succeed".
    PROBE_BASE=http://127.0.0.1:PORT/ <venv>/bin/python py-client.py
"""
import asyncio
import logging
import os
from urllib.parse import urlparse

from kiota_abstractions.api_error import APIError
from kiota_abstractions.authentication import AuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

# The batch helper logs an API error before raising it; the probe prints its own line.
logging.disable(logging.ERROR)

ROOT = os.environ["PROBE_BASE"].rstrip("/")  # http://127.0.0.1:PORT
BASE = ROOT + "/v1.0"
MOCK_HOST = urlparse(ROOT).netloc


class FakeToken(AuthenticationProvider):
    """Sends a made-up bearer token, as a signed-in app would send a real one."""

    async def authenticate_request(self, request, additional_authentication_context={}):
        request.headers.try_add("Authorization", "Bearer fake-token")


# GraphRequestAdapter's own httpx client carries Graph's middleware (retry, redirect, the
# /users/me-token-to-replace → /me rewrite); only the base URL changes to the mock's.
adapter = GraphRequestAdapter(FakeToken())
adapter.base_url = BASE
client = GraphServiceClient(request_adapter=adapter)


class ProbeFailure(Exception):
    """A check of the probe's own (its message is the whole reason)."""


def reason(e):
    """A short reason: status, error code and the first sentence of the mock's message."""
    if isinstance(e, APIError):
        err = getattr(e, "error", None)  # ODataError's main error, when the body was one
        code = getattr(err, "code", "") or ""
        msg = (getattr(err, "message", None) or e.message or "").split(". Closest")[0]
        return f"HTTP {e.response_status_code} {code}: {msg}"[:160]
    if isinstance(e, ProbeFailure):
        return str(e)[:160]
    return f"{type(e).__name__}: {e}"[:160]


results = []


async def call(name, fn):
    try:
        note = await fn()
        results.append(True)
        # Only the probe's own notes (strings) are printed, not the SDK's parsed objects.
        print(f"  ok    {name}" + (f"  ({note})" if isinstance(note, str) else ""), flush=True)
    except Exception as e:  # the probe reports every failure, whatever it is
        results.append(False)
        print(f"  FAIL  {name}: {reason(e)}", flush=True)


async def follow_pages(builder):
    """Follow @odata.nextLink to the end; a link to another host is never sent (it would leave
    this machine), and more than 20 pages means the mock loops."""
    page = await builder.get()
    pages, items = 1, len(page.value or [])
    while page.odata_next_link:
        link = page.odata_next_link
        if urlparse(link).netloc != MOCK_HOST:
            raise ProbeFailure(f"page {pages}: nextLink leaves the mock: {link}")
        if pages >= 20:
            raise ProbeFailure("still a nextLink after 20 pages")
        page = await builder.with_url(link).get()
        pages, items = pages + 1, items + len(page.value or [])
    return f"{pages} page(s), {items} item(s)"


def drive_item(url):
    """msgraph-sdk has no builder for /me/drive/root...: take a drive-item builder of the right
    type and give it the same URL as the JS probe sends."""
    return client.drives.by_drive_id("unused").items.by_drive_item_id("unused").with_url(url)


def drive_children(url):
    return client.drives.by_drive_id("unused").items.by_drive_item_id("unused").children.with_url(url)


async def main():
    # create → get → update → list → delete, with the id the create returned.
    state = {}

    def event():
        if not state.get("id"):
            raise ProbeFailure("no id from the create")
        return client.me.events.by_event_id(state["id"])

    async def create():
        ev = await client.me.events.post(Event(
            subject="Probe meeting",
            start=DateTimeTimeZone(date_time="2021-07-20T12:00:00", time_zone="UTC"),
            end=DateTimeTimeZone(date_time="2021-07-20T13:00:00", time_zone="UTC"),
        ))
        state["id"] = ev.id if ev else None
        if not state["id"]:
            raise ProbeFailure("created event has no id")
        return f"id {state['id']}"

    async def listed():
        page = await client.me.events.get()
        return f"{len(page.value or [])} item(s)"

    await call("POST /me/events (create)", create)
    await call("GET /me/events/{id}", lambda: event().get())
    await call("PATCH /me/events/{id}", lambda: event().patch(Event(subject="Probe meeting (moved)")))
    await call("GET /me/events (list)", listed)
    await call("DELETE /me/events/{id}", lambda: event().delete())

    # JSON batch through the SDK's own batch support (msgraph_core's BatchRequestContent).
    async def batch():
        # Imported here so that a broken install fails this call only (msgraph-core 1.5.2
        # imports the `deprecated` package without declaring it).
        from msgraph_core.requests.batch_request_content import BatchRequestContent

        content = BatchRequestContent({
            "1": client.me.to_get_request_information(),
            "2": client.me.messages.to_get_request_information(),
        })
        # Without an error map the helper reports a 404 without the body's error code.
        answer = await client.batch.post(content, error_map={"4XX": ODataError, "5XX": ODataError})
        # The helper gives each step an id of its own; what counts is that both answered 200.
        statuses = answer.get_response_status_codes()
        if sorted(statuses.values()) != [200, 200]:
            raise ProbeFailure(f"step statuses {statuses}")
        return "both steps 200"

    await call("POST /$batch [GET /me, GET /me/messages]", batch)

    await call("GET /users, paged to the end", lambda: follow_pages(client.users))
    await call("GET /me/drive/root/children, paged to the end",
               lambda: follow_pages(drive_children(f"{BASE}/me/drive/root/children")))

    async def by_path():
        item = await drive_item(f"{BASE}/me/drive/root:/Documents/report.docx").get()
        return item.name if item else None

    await call("GET /me/drive/root:/Documents/report.docx (item by path)", by_path)

    async def photo():
        data = await client.me.photo.content.get()
        if not data or data.lstrip()[:1] in (b"{", b"["):
            raise ProbeFailure(f"expected image bytes, got {len(data or b'')} bytes")
        return f"{len(data)} bytes"

    await call("GET /me/photo/$value (bytes)", photo)

    # Plain everyday reads, through the fluent API.
    chat = "19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.v2"
    site = "contoso.sharepoint.com,11111111-2222-3333-4444-555555555555,66666666-7777-8888-9999-000000000000"
    reads = [
        ("/me", client.me),
        ("/me/messages", client.me.messages),
        ("/users", client.users),
        ("/groups", client.groups),
        ("/me/drive/root/children", drive_children(f"{BASE}/me/drive/root/children")),
        ("/me/calendar/events", client.me.calendar.events),
        (f"/chats/{chat}", client.chats.by_chat_id(chat)),
        (f"/sites/{site}", client.sites.by_site_id(site)),
    ]
    for path, builder in reads:
        await call(f"GET {path}", builder.get)

    print(f"python: {sum(results)} of {len(results)} calls succeed")


asyncio.run(main())
