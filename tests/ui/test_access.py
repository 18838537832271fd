"""One policy for the page, the Gradio API and /v1 (ui/access.py).

Servers bound to this machine's own network address and reached through it see a client
that is not loopback, as someone on the network would be, while nothing leaves the machine:
without credentials, deleting or ingesting is refused through the page's events, the Gradio
API and its upload route, and questions too (on /v1 as well) unless the server allows
anonymous questions; with the API key or a signed-in session, the same requests go through.
``hoidap serve`` says at start who may do what, and refuses an open host with no credential.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from hoidap.settings import Settings
from tests.ui.conftest import AUTH, LOCAL_PREFIXES, own_address
from ui.access import Access, exposure, is_loopback_host, refusal

KEY = "khoa-thu-nghiem-21"
SAMPLE = "can-tho-police-2021.txt"
QUESTION = "Có bao nhiêu cán bộ, chiến sĩ được huy động phòng chống dịch?"
DELETE_REFUSED = "Cần đăng nhập hoặc khóa API để xóa tài liệu"
NOTE = "# Ghi chú\n\nKho lưu trữ có 4.321 hồ sơ địa chính.\n"


# -- the policy, without a server ------------------------------------------------------------
def test_on_a_loopback_host_everything_is_as_before() -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        assert is_loopback_host(host)
        access = Access(Settings(host=host))
        assert access.allows(write=True, signed_in=False, token=None)
        assert access.allows_v1(None, "127.0.0.1") and not access.allows_v1(None, "192.0.2.9")
    keyed = Access(Settings(api_key="k"))
    assert keyed.allows_v1("k", "192.0.2.9") and not keyed.allows_v1(None, "127.0.0.1")
    assert not is_loopback_host("0.0.0.0") and not is_loopback_host("192.0.2.2")


def test_off_loopback_writes_need_a_credential_and_questions_too_unless_allowed() -> None:
    keyed = Access(Settings(host="0.0.0.0", api_key=KEY))
    assert not keyed.allows(write=True, signed_in=False, token=None)
    assert not keyed.allows(write=True, signed_in=False, token="sai")
    assert keyed.allows(write=True, signed_in=False, token=KEY)
    assert keyed.allows(write=True, signed_in=True, token=None)
    assert not keyed.allows(write=False, signed_in=False, token=None)
    # the client's address proves nothing off loopback: a proxy forwards as 127.0.0.1
    assert not keyed.allows_v1(None, "127.0.0.1")
    assert keyed.allows_v1(KEY, "127.0.0.1") and keyed.allows_v1(None, "192.0.2.9", True)

    public = Access(Settings(host="0.0.0.0", api_key=KEY, allow_anonymous_questions=True))
    assert public.allows(write=False, signed_in=False, token=None)
    assert public.allows_v1(None, "192.0.2.9")
    assert not public.allows(write=True, signed_in=False, token=None)
    # the --auth password is the key, as /v1 always took it
    assert Access(Settings(host="0.0.0.0", auth="an:mat-khau")).key_matches("mat-khau")


def test_refusals_say_what_needs_a_credential_in_both_languages() -> None:
    assert refusal("xóa tài liệu (to delete documents)") == (
        "Cần đăng nhập hoặc khóa API để xóa tài liệu (sign in or give the API key to delete "
        "documents)"
    )


def test_the_start_up_message_and_the_refusal_of_an_open_host(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hoidap.cli import main

    code = main(["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    assert code == 2
    said = capsys.readouterr().err
    assert "--auth" in said and "HOIDAP_API_KEY" in said and "--allow-anonymous-questions" in said

    assert "chỉ máy này" in exposure(Settings())[0]  # loopback: this machine only
    keyed = "\n".join(exposure(Settings(host="0.0.0.0", api_key=KEY)))
    assert "MỞ RA MẠNG" in keyed and "ai có khóa API" in keyed
    public = exposure(Settings(host="0.0.0.0", allow_anonymous_questions=True))
    assert "mọi người (anyone)" in public[2] and "không ai" in public[3]
    with pytest.raises(ValueError, match="--auth"):
        exposure(Settings(host="0.0.0.0", auth="an:b", allow_anonymous_questions=True))


# -- real servers, reached from this machine's own network address ----------------------------
@pytest.fixture(scope="module")
def address() -> str:
    found = own_address()
    if found is None:
        pytest.skip("this machine has no non-loopback address to reach a server through")
    return found


def call(
    server: Any,
    api_name: str,
    data: list[Any],
    *,
    key: str | None = None,
) -> tuple[int, Any]:
    """``POST /gradio_api/call/NAME`` as curl would; (status, JSON or the result's data)."""
    request = urllib.request.Request(
        f"{server.url}/gradio_api/call/{api_name}",
        data=json.dumps({"data": data}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            event = json.loads(response.read())["event_id"]
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    result = urllib.request.Request(f"{server.url}/gradio_api/call/{api_name}/{event}")
    if key:
        result.add_header("Authorization", f"Bearer {key}")
    with urllib.request.urlopen(result, timeout=120) as response:
        lines = response.read().decode().splitlines()
    data_lines = [line[len("data: ") :] for line in lines if line.startswith("data: ")]
    return 200, json.loads(data_lines[-1])


def post(url: str, body: bytes, key: str | None = None, kind: str = "application/json") -> int:
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", kind)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def names(server: Any, key: str | None = KEY) -> list[str]:
    status, listed = call(server, "documents", [], key=key)
    assert status == 200, listed
    return [d["name"] for d in listed[0]]


def upload_body(name: str, text: str) -> tuple[bytes, str]:
    boundary = "hoidap-boundary-21"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
        f"Content-Type: text/markdown\r\n\r\n{text}\r\n--{boundary}--\r\n"
    ).encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.fixture(scope="module")
def keyed_server(
    address: str, ingested_dir: Path, logs_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """``hoidap serve --host ADDRESS`` with ``HOIDAP_API_KEY``, no --auth."""
    from tests.ui.conftest import _copy_data, start_server

    data = _copy_data(ingested_dir, tmp_path_factory, "keyed")
    running = start_server(data, logs_dir, host=address, HOIDAP_API_KEY=KEY)
    yield running
    running.stop()


def test_keyed_server_says_who_may_do_what(keyed_server: Any) -> None:
    log = keyed_server.log_text()
    assert "MỞ RA MẠNG" in log and "ai có khóa API" in log
    assert "tải lên, nạp, nạp lại, xóa tài liệu" in log


def test_without_the_key_the_gradio_api_refuses_delete_ingest_and_questions(
    keyed_server: Any, tmp_path: Path
) -> None:
    status, body = call(keyed_server, "delete", [[SAMPLE]])
    assert status == 401 and DELETE_REFUSED in body["detail"]
    assert SAMPLE in names(keyed_server)

    body_bytes, kind = upload_body("ghi-chu.md", NOTE)
    assert post(f"{keyed_server.url}/gradio_api/upload", body_bytes, kind=kind) == 401
    status, body = call(keyed_server, "ingest", [[]])
    assert status == 401 and "nạp tài liệu" in body["detail"]
    status, body = call(keyed_server, "ask", [QUESTION, ""])
    assert status == 401 and "đặt câu hỏi" in body["detail"]
    # gradio_client joins the queue with the handler's index, as the page does
    from gradio_client import Client

    with pytest.raises(Exception, match="401"):
        Client(keyed_server.url, verbose=False).predict([SAMPLE], api_name="/delete")
    v1 = f"{keyed_server.url}/v1/chat/completions"
    question = json.dumps({"messages": [{"role": "user", "content": QUESTION}]}).encode()
    assert post(v1, question) == 401
    assert post(v1, question, key="sai") == 401


def test_with_the_key_the_gradio_api_and_v1_ingest_answer_and_delete(
    keyed_server: Any, tmp_path: Path
) -> None:
    from gradio_client import Client, handle_file

    client = Client(keyed_server.url, verbose=False, headers={"Authorization": f"Bearer {KEY}"})
    note = tmp_path / "ghi-chu.md"
    note.write_text(NOTE, encoding="utf-8")
    report = client.predict([handle_file(str(note))], api_name="/ingest")
    assert [Path(s).name for s in report["added"]] == ["ghi-chu.md"]
    assert "1.700" in client.predict(QUESTION, api_name="/ask")["answer"]
    assert client.predict(["ghi-chu.md"], api_name="/delete")
    assert "ghi-chu.md" not in names(keyed_server)

    v1 = f"{keyed_server.url}/v1/chat/completions"
    question = json.dumps({"messages": [{"role": "user", "content": QUESTION}]}).encode()
    assert post(v1, question, key=KEY) == 200


def _delete_in_page(tab: Any, name: str | None) -> None:
    """Pick a document and delete it as a user does; with ``None``, press delete alone (the
    event still reaches the server, with nothing picked)."""
    tab.get_by_role("tab", name="Tài liệu").click()
    tab.wait_for_selector("#hd-documents")
    if name is not None:
        tab.once("dialog", lambda dialog: dialog.accept())
        tab.locator("#hd-delete-pick input").click()
        tab.locator(f"li[role=option][aria-label='{name}']").click()
        tab.keyboard.press("Escape")
    # forced: without credentials the page's own load events were refused, and Gradio
    # leaves their error overlay on the outputs
    tab.click("#hd-delete", force=True)


@pytest.mark.slow
def test_the_pages_delete_is_refused_without_the_key_and_done_with_it(
    keyed_server: Any, browser: Any, address: str, tmp_path: Path
) -> None:
    LOCAL_PREFIXES.append(f"http://{address}")
    try:
        for headers in ({}, {"Authorization": f"Bearer {KEY}"}):
            context = browser.new_context(locale="vi-VN", extra_http_headers=headers)
            context.set_default_timeout(60_000)
            tab = context.new_page()
            tab.goto(keyed_server.url, wait_until="load")
            tab.wait_for_selector("#hd-question textarea")
            _delete_in_page(tab, SAMPLE if headers else None)
            if headers:
                tab.wait_for_function(
                    "() => document.querySelector('#hd-status').innerText.includes('Đã xóa')"
                )
                assert SAMPLE not in names(keyed_server)
            else:
                tab.wait_for_function(
                    "text => document.body.innerText.includes(text)", arg=DELETE_REFUSED
                )
                tab.screenshot(path=str(tmp_path / "refused.png"))
                assert SAMPLE in names(keyed_server)
            context.close()
    finally:
        LOCAL_PREFIXES.remove(f"http://{address}")


def test_a_signed_in_user_or_the_password_as_key_may_delete_with_auth(
    address: str, fresh_data: Path, launch: Any, tmp_path: Path
) -> None:
    from gradio_client import Client, handle_file

    server = launch(fresh_data, auth=AUTH, host=address)
    assert "người đã đăng nhập (--auth)" in server.log_text()
    status, _ = call(server, "delete", [[SAMPLE]])
    assert status == 401  # Gradio's own sign-in, and ours
    body_bytes, kind = upload_body("ghi-chu.md", NOTE)
    assert post(f"{server.url}/gradio_api/upload", body_bytes, kind=kind) == 401

    note = tmp_path / "ghi-chu.md"
    note.write_text(NOTE, encoding="utf-8")
    signed_in = Client(server.url, auth=AUTH, verbose=False)  # Gradio's session cookie
    report = signed_in.predict([handle_file(str(note))], api_name="/ingest")
    assert [Path(s).name for s in report["added"]] == ["ghi-chu.md"]
    assert signed_in.predict(["ghi-chu.md"], api_name="/delete")

    status, removed = call(server, "delete", [[SAMPLE]], key=AUTH[1])  # the password as key
    assert status == 200 and [Path(s).name for s in removed[0]] == [SAMPLE]
    v1 = f"{server.url}/v1/chat/completions"
    question = json.dumps({"messages": [{"role": "user", "content": QUESTION}]}).encode()
    assert post(v1, question) == 401 and post(v1, question, key=AUTH[1]) == 200


def test_anonymous_questions_are_answered_and_writes_still_refused(
    address: str, fresh_data: Path, launch: Any
) -> None:
    server = launch(fresh_data, host=address, args=("--allow-anonymous-questions",))
    log = server.log_text()
    assert "mọi người (anyone)" in log and "không ai" in log

    status, answered = call(server, "ask", [QUESTION, ""])
    assert status == 200 and "1.700" in answered[0]["answer"]
    assert SAMPLE in names(server, key=None)
    v1 = f"{server.url}/v1/chat/completions"
    question = json.dumps({"messages": [{"role": "user", "content": QUESTION}]}).encode()
    assert post(v1, question) == 200

    status, body = call(server, "delete", [[SAMPLE]])
    assert status == 401 and DELETE_REFUSED in body["detail"]
    body_bytes, kind = upload_body("ghi-chu.md", NOTE)
    assert post(f"{server.url}/gradio_api/upload", body_bytes, kind=kind) == 401
    assert SAMPLE in names(server, key=None)
