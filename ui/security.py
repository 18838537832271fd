"""What Gradio shows before login, cut down to the login form.

With ``auth`` set, Gradio 6 refuses every data and API route without a session cookie, but
the login page it serves still embeds ``window.gradio_api_info``: the name, parameters and
description of every API endpoint. Nothing can be called with it, but the issue asks that
nothing of the API be reachable before logging in, so this middleware blanks that object in
any HTML page whose config says login is required. Pages served after login are untouched.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_LOGIN_MARKERS = (b'"auth_required":true', b'"auth_required": true')
_API_INFO = re.compile(rb"window\.gradio_api_info\s*=\s*.*?;\s*</script>", re.DOTALL)
_BLANK = b'window.gradio_api_info = {"named_endpoints":{},"unnamed_endpoints":{}};</script>'


def strip_api_info(body: bytes) -> bytes:
    """The page without its API description, if it is a page that asks to log in."""
    if not any(marker in body for marker in _LOGIN_MARKERS):
        return body
    return _API_INFO.sub(lambda _: _BLANK, body)


class HideApiBeforeLogin:
    """ASGI middleware: buffers HTML responses to GET and applies :func:`strip_api_info`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    await send(message)
                    return
                start = message
                return
            if message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = strip_api_info(b"".join(chunks))
                kept = [
                    (k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"
                ]
                kept.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": kept})
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, capture)
