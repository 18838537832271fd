"""Who may do what on ``hoidap serve``: one policy for the page, the Gradio API and /v1.

On a loopback host (the default ``127.0.0.1``) only this machine reaches the server, and
everything works as it always has: the page and its API answer everyone who reaches them
(everyone signed in, with ``--auth``), and /v1 asks for the key when there is one.

On any other host a client's address proves nothing (a proxy on this machine forwards the
world as ``127.0.0.1``), so what a request may do depends only on what it carries:

* writes to the library (upload, ingest, re-ingest, delete) need a *credential*: the session
  of a user signed in with ``--auth`` (Gradio's own cookie), or ``Authorization: Bearer KEY``
  with ``HOIDAP_API_KEY`` (else the ``--auth`` password, as /v1 always took it);
* everything else (questions, the documents list, the passages behind an answer) needs one
  too, unless the server was started with ``--allow-anonymous-questions``.

:class:`AccessGuard` is the ASGI middleware that applies it to Gradio's routes: it reads the
event a request would run (the ``api_name`` in the path, the ``fn_index`` in the body), and
refuses a write, or anything when questions are not public, with a message in Vietnamese and
English. /v1 asks :meth:`Access.allows` itself (``ui.openai_api``). With ``--auth``, Gradio's
sign-in guards its own routes as before; a request with the key is let through it as the
user :data:`KEY_USER`. :func:`exposure` is what ``hoidap serve`` prints at start, and refuses
to start a server open to the network with no credential at all.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from collections.abc import Awaitable, Callable, Collection, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from hoidap.settings import Settings, SettingsError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API = "/gradio_api"
KEY_USER = "api-key"  # the Gradio user a request carrying the API key is signed in as
MAX_EVENT_BODY = 16 * 1024 * 1024  # an event's JSON (files go through /upload); larger: a write
QUESTIONS = "đặt câu hỏi và xem tài liệu (to ask questions and read the documents)"
UPLOAD = "tải và nạp tài liệu (to upload and ingest documents)"
# routes that run no handler and read nothing of the library: the page itself, its assets,
# signing in, Gradio's own bookkeeping; every other route is a question at least
OPEN_PATHS = frozenset(
    {
        "/",
        "/config",
        "/config/",
        "/login",
        "/login/",
        "/logout",
        "/theme.css",
        "/favicon.ico",
        "/robots.txt",
        "/manifest.json",
        "/pwa_icon",
    }
)
OPEN_PREFIXES = ("/assets/", "/static/", "/svelte/", "/pwa_icon/", "/gradio_api/deep_link")
OPEN_API = frozenset(
    {
        "info",
        "openapi.json",
        "startup-events",
        "theme.css",
        "app_id",
        "user",
        "login_check",
        "token",
        "heartbeat",
        "cancel",
        "reset",
        "queue/data",
        "upload_progress",
    }
)
EVENT_ROUTES = ("queue/join", "run/", "api/", "call/")  # each runs one of the page's handlers


def is_loopback_host(host: str) -> bool:
    """Whether a server bound to ``host`` is reachable from this machine only."""
    if host.strip().lower() in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bearer(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@dataclass
class Access:
    """The policy for one server's settings; ``writes`` are the handlers that change the
    library, each with what the refusal says it is (``"để xóa tài liệu (to delete …)"``)."""

    settings: Settings
    writes: Mapping[Callable[..., Any], str] = field(default_factory=dict)
    key_token: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)

    @property
    def key(self) -> str | None:
        """The bearer token: ``HOIDAP_API_KEY``, else the ``--auth`` password."""
        settings = self.settings
        if settings.api_key:
            return settings.api_key
        if settings.auth and ":" in settings.auth:
            return settings.auth.split(",")[0].split(":", 1)[1]
        return None

    @property
    def open_host(self) -> bool:
        """Bound beyond this machine: the policy applies (on loopback, everything as before)."""
        return not is_loopback_host(self.settings.host)

    @property
    def anonymous_questions(self) -> bool:
        return bool(self.settings.allow_anonymous_questions)

    def key_matches(self, token: str | None) -> bool:
        key = self.key
        return key is not None and token is not None and hmac.compare_digest(
            token.encode(), key.encode()
        )

    def allows(self, *, write: bool, signed_in: bool, token: str | None) -> bool:
        """Whether a request may go on: a write, or a question (anything else)."""
        if not self.open_host:
            return True
        if signed_in or self.key_matches(token):
            return True
        return not write and self.anonymous_questions

    def allows_v1(self, token: str | None, client: str | None, signed_in: bool = False) -> bool:
        """The OpenAI-compatible API: questions. On a loopback host as it always was (the key
        when there is one, else this machine's clients); elsewhere :meth:`allows`."""
        if self.open_host:
            return self.allows(write=False, signed_in=signed_in, token=token)
        if self.key is not None:
            return self.key_matches(token)
        try:
            return client is not None and ipaddress.ip_address(client).is_loopback
        except ValueError:
            return client == "localhost"

    def write_action(self, fns: Collection[Any]) -> str | None:
        """What the first of these Gradio functions that writes does, or None: none writes."""
        for block_fn in fns:
            target = getattr(block_fn, "fn", None)
            for handler, action in self.writes.items():
                if target is not None and target == handler:
                    return action
        return None


def refusal(action: str) -> str:
    """``action`` is Vietnamese, then English in parentheses, as :data:`QUESTIONS`."""
    vi, _, en = action.partition(" (")
    en = en.rstrip(")")
    return f"Cần đăng nhập hoặc khóa API để {vi} (sign in or give the API key {en})"


# -- the middleware --------------------------------------------------------------------------
class AccessGuard:
    """ASGI middleware applying :class:`Access` to the Gradio app it wraps (see the module)."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        gradio = scope.get("app")
        headers = _headers(scope)
        token = bearer(headers)
        signed_in = is_signed_in(gradio, headers)
        if not signed_in and self.access.key_matches(token) and gradio is not None:
            _sign_in_with_key(gradio, scope, self.access.key_token)
            signed_in = True
        path = str(scope.get("path") or "/")
        if not self.access.open_host or signed_in or path.startswith("/v1/"):
            await self.app(scope, receive, send)  # /v1 answers for itself (ui.openai_api)
            return
        action, receive = await self._action(scope, receive, gradio, path)
        if action is None or (action == QUESTIONS and self.access.anonymous_questions):
            await self.app(scope, receive, send)
            return
        await _refuse(send, refusal(action))

    async def _action(
        self, scope: Scope, receive: Receive, gradio: Any, path: str
    ) -> tuple[str | None, Receive]:
        """What the request would do: None (nothing of the library), a question, a write."""
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES) or not path.startswith("/"):
            return None, receive
        if not path.startswith(API + "/"):
            if scope.get("method") in ("GET", "HEAD"):
                return None, receive  # a page of the app (Gradio's own 404 otherwise)
            return QUESTIONS, receive
        route = path[len(API) + 1 :].rstrip("/")
        if route in OPEN_API or route.startswith("heartbeat/"):
            return None, receive
        if route in ("upload", "process_recording"):
            return UPLOAD, receive
        if not route.startswith(EVENT_ROUTES):
            return QUESTIONS, receive
        body, receive = await _read_body(receive)
        fns = _named_fns(gradio, route, body)
        if fns is None:
            return UPLOAD, receive  # an event that cannot be told apart: as strict as a write
        return self.access.write_action(fns) or QUESTIONS, receive


def _headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name; several ``cookie`` headers as one."""
    found: dict[str, str] = {}
    for key, value in scope.get("headers") or []:
        name = key.decode("latin-1").lower()
        text = value.decode("latin-1")
        found[name] = f"{found[name]}; {text}" if name == "cookie" and name in found else text
    return found


def _cookies(headers: Mapping[str, str]) -> dict[str, str]:
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header: no session
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def is_signed_in(gradio: Any, headers: Mapping[str, str]) -> bool:
    """A session Gradio's ``--auth`` sign-in gave (its cookie, as its ``/user`` route reads it)."""
    tokens = getattr(gradio, "tokens", None)
    cookie_id = getattr(gradio, "cookie_id", None)
    if not tokens or cookie_id is None or not getattr(gradio, "auth", None):
        return False
    cookies = _cookies(headers)
    for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
        value = cookies.get(name)
        if value and tokens.get(value) is not None:
            return True
    return False


def _sign_in_with_key(gradio: Any, scope: Scope, token: str) -> None:
    """With ``--auth``, Gradio refuses a request without its session cookie: one with the
    key gets the cookie of the session :data:`KEY_USER` holds."""
    if not getattr(gradio, "auth", None):
        return
    gradio.tokens[token] = KEY_USER  # again each time: a /logout would have dropped it
    cookie = f"access-token-unsecure-{gradio.cookie_id}={token}".encode("latin-1")
    headers = [(k, v) for k, v in scope.get("headers") or [] if k.lower() != b"cookie"]
    old = [v for k, v in scope.get("headers") or [] if k.lower() == b"cookie"]
    headers.append((b"cookie", b"; ".join([*old, cookie])))
    scope["headers"] = headers


async def _read_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """The request's body (None past :data:`MAX_EVENT_BODY`), and a ``receive`` that hands it
    to the app as if unread."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = bool(message.get("more_body"))
        if size > MAX_EVENT_BODY:
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return (None if more else body), replay


def _named_fns(gradio: Any, route: str, body: bytes | None) -> list[Any] | None:
    """The Gradio functions an event request names: by ``fn_index`` in its body, and by the
    ``api_name`` in its path (``call/NAME``, ``run/NAME``…). None: it names none we know."""
    blocks = gradio.get_blocks() if gradio is not None else None
    fns = dict(getattr(blocks, "fns", {}) or {})
    named: list[Any] = []
    parts = route.split("/")
    api_name = None
    if parts[0] in ("run", "api", "call") and len(parts) > 1:
        api_name = parts[2] if parts[1] == "v2" and len(parts) > 2 else parts[1]
    if api_name is not None:
        named += [f for f in fns.values() if f.api_name == api_name]
    if body:
        try:
            data = json.loads(body)
        except ValueError:
            return None
        index = data.get("fn_index") if isinstance(data, dict) else None
        if index is not None:
            if not isinstance(index, int) or index not in fns:
                return None
            named.append(fns[index])
    elif body is None:
        return None
    return named or None


async def _refuse(send: Send, message: str) -> None:
    payload = json.dumps({"detail": message, "error": message}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload, "more_body": False})


# -- what `hoidap serve` says at start -------------------------------------------------------
def exposure(settings: Settings) -> list[str]:
    """Lines saying who can reach the server and do what; refuses (``SettingsError``) a
    server open to the network that nobody could be refused on."""
    access = Access(settings)
    where = f"http://{settings.host}:{settings.port}"
    signed = "người đã đăng nhập (--auth)" if settings.auth else ""
    keyed = "ai có khóa API (Authorization: Bearer)" if access.key else ""
    holders = " hoặc ".join(p for p in (signed, keyed) if p)
    if not access.open_host:
        page = "người đã đăng nhập (signed-in users)" if settings.auth else "mọi người (anyone)"
        v1 = "khóa API (the API key)" if access.key else "chỉ máy này (this machine only)"
        return [
            f"hoidap serve: {where} — chỉ máy này truy cập được (loopback: this machine only)",
            f"  trang và API Gradio (page, Gradio API): {page}; /v1: {v1}",
        ]
    if settings.auth and settings.allow_anonymous_questions:
        raise SettingsError(
            "--allow-anonymous-questions không dùng cùng --auth: trang đăng nhập của Gradio che "
            "cả trang, nên không thể hỏi mà không đăng nhập. Để ai cũng hỏi được và chỉ người có "
            "khóa được nạp/xóa, dùng HOIDAP_API_KEY thay cho --auth. (--allow-anonymous-"
            "questions cannot be used with --auth: Gradio's sign-in covers the whole page; use "
            "HOIDAP_API_KEY instead of --auth for open questions and keyed writes.)"
        )
    if not holders and not settings.allow_anonymous_questions:
        raise SettingsError(
            f"Không mở máy chủ ra mạng ({settings.host}) khi không có --auth hay HOIDAP_API_KEY: "
            "ai vào được trang cũng sẽ nạp và xóa được tài liệu. Đặt --auth tên:mật_khẩu hoặc "
            "HOIDAP_API_KEY, hoặc thêm --allow-anonymous-questions để chỉ cho hỏi (không ai nạp "
            f"hay xóa được). (Refusing to serve on {settings.host} with neither --auth nor "
            "HOIDAP_API_KEY; give one, or --allow-anonymous-questions for questions only.)"
        )
    writers = holders or "không ai — cần --auth hoặc HOIDAP_API_KEY (nobody)"
    askers = "mọi người (anyone)" if settings.allow_anonymous_questions else holders
    return [
        f"hoidap serve: {where} — MỞ RA MẠNG (reachable from the network)",
        "  trang, API Gradio và /v1 theo cùng một quy tắc (the page, Gradio API and /v1):",
        f"  - hỏi đáp, xem tài liệu (questions, reading): {askers}",
        f"  - tải lên, nạp, nạp lại, xóa tài liệu (upload, ingest, re-ingest, delete): {writers}",
    ]
