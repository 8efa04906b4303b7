"""Staff access: signing in and out, sessions, API tokens, limits, bounds and hardening."""

from __future__ import annotations

import base64
import logging
import os
import re
import shutil
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from werkzeug.test import TestResponse

from index.record import Document
from ingest.pipeline import IngestReport
from tests.conftest import PROJECT
from tests.test_server import free_port, get, serving
from web import create_app
from web.accounts import DATABASE, Accounts

NAME = "lan"
PASSWORD = "mật-khẩu-đủ-dài-2024"
OTHER = "minh"
OTHER_PASSWORD = "một-mật-khẩu-khác-nữa"
FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."
TOO_MANY = "Đăng nhập sai quá nhiều lần"
PRIVATE = "private, no-store"

# --- Fixtures and helpers ----------------------------------------------------------------


@pytest.fixture()
def instance(tmp_path: Path) -> Path:
    """Return this test's own instance folder (accounts, tokens, rate-limit counters)."""
    return tmp_path / "instance"


@pytest.fixture(scope="module")
def staff_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an accounts file with two members of staff (hashed once: scrypt is slow)."""
    found = Accounts(tmp_path_factory.mktemp("accounts"))
    found.add_user(NAME, PASSWORD)
    found.add_user(OTHER, OTHER_PASSWORD)
    return found.path


@pytest.fixture()
def accounts(instance: Path, staff_database: Path) -> Accounts:
    """Return the instance's accounts, with two members of staff."""
    instance.mkdir(mode=0o700)
    shutil.copyfile(staff_database, instance / DATABASE)
    return Accounts(instance)


@pytest.fixture()
def new_app(index_dir: Path, instance: Path, accounts: Accounts) -> Iterator[Callable[..., Flask]]:
    """Return a function that makes an app on the samples and this test's instance."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        """Make the app, these settings over the defaults."""
        made.append(create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                                "INSTANCE_DIR": str(instance), **config}))
        return made[-1]

    yield make
    for app in made:
        app.extensions["tracuu.index"].close()


@pytest.fixture()
def web(new_app: Callable[..., Flask]) -> FlaskClient:
    """Return a client of an app with the default settings."""
    return new_app().test_client()


@pytest.fixture()
def internal_ids(sample_documents: list[Document]) -> list[str]:
    """Return the ids of the internal sample documents."""
    found = [doc.id for doc in sample_documents if doc.visibility == "internal"]
    assert found, "the samples hold no internal document"
    return found


@pytest.fixture()
def public_id(sample_documents: list[Document]) -> str:
    """Return the id of a public sample document."""
    return next(doc.id for doc in sample_documents if doc.visibility == "public")


def page_of(response: TestResponse) -> Any:
    """Return the parsed HTML of an answer."""
    return html.fromstring(response.get_data())


def csrf_token(client: FlaskClient, path: str = "/login", **request: Any) -> str:
    """Return the CSRF token of the form on a page, for this client's session."""
    response = client.get(path, **request)
    values = page_of(response).xpath('//input[@name="csrf_token"]/@value')
    assert values, response.get_data(as_text=True)
    return str(values[0])


def sign_in(client: FlaskClient, name: str = NAME, password: str = PASSWORD,
            address: str = "127.0.0.1", **request: Any) -> TestResponse:
    """Post the sign-in form, with its CSRF token, from an address."""
    data = {"csrf_token": csrf_token(client, **request), "name": name, "password": password}
    data.update(request.pop("data", {}))
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}, **request)


def sign_out(client: FlaskClient) -> TestResponse:
    """Post the sign-out form of the search page, with its CSRF token."""
    form = page_of(client.get("/")).xpath('//form[@action="/logout"]')
    assert form, "no sign-out form on the page"
    token = form[0].xpath('.//input[@name="csrf_token"]/@value')[0]
    return client.post("/logout", data={"csrf_token": token})


def signed_in_as(response: TestResponse) -> str | None:
    """Return the name a page says is signed in, or None."""
    bars = page_of(response).xpath('//div[@class="staff-bar"]')
    if not bars:
        return None
    match = re.search(r"Đang đăng nhập: (\S+)", " ".join(bars[0].text_content().split()))
    return match.group(1) if match else None


def hits_of(response: TestResponse) -> dict[str, bool]:
    """Return the ids on a search page, each with whether it is marked "Nội bộ"."""
    assert response.status_code == 200, response.status
    found = {}
    for hit in page_of(response).xpath('//li[@class="hit"]'):
        href = hit.xpath(".//h3/a/@href")[0]
        marks = [" ".join(mark.text_content().split())
                 for mark in hit.xpath('.//*[@class="internal"]')]
        found[unquote(urlsplit(href).path.removeprefix("/documents/"))] = marks == ["Nội bộ"]
    return found


def session_cookie(response: TestResponse) -> dict[str, str | None]:
    """Return the attributes of the tracuu_session cookie an answer sets (lower-case names)."""
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        if name == "tracuu_session":
            attributes: dict[str, str | None] = {}
            for part in rest.split(";")[1:]:
                key, sep, value = part.strip().partition("=")
                attributes[key.lower()] = value if sep else None
            return attributes
    raise AssertionError(f"no tracuu_session cookie: {response.headers.getlist('Set-Cookie')}")


def is_staff_view(client: FlaskClient, internal_id: str, **request: Any) -> bool:
    """Tell whether an internal document is served to this client (else it is a 404)."""
    response = client.get(f"/api/v1/documents/{internal_id}", **request)
    assert response.status_code in (200, 404), response.status
    return response.status_code == 200


def body_of(response: TestResponse) -> Any:
    """Return the JSON body of an answer."""
    return response.get_json()


def json_error(response: TestResponse) -> dict[str, str]:
    """Return the error of a JSON error answer, failing on any other answer."""
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert not body["error"]["message"].isascii(), body  # Vietnamese
    error: dict[str, str] = body["error"]
    return error


# --- Signing in and out --------------------------------------------------------------------


def test_the_login_page_is_vietnamese_with_a_csrf_token(web: FlaskClient) -> None:
    """Show the sign-in form in Vietnamese, with its CSRF token."""
    response = web.get("/login")
    assert response.status_code == 200
    page = page_of(response)
    assert page.get("lang") == "vi"
    assert "Đăng nhập dành cho cán bộ" in page.text_content()
    assert page.xpath('//label[@for="name"]')[0].text_content() == "Tên đăng nhập"
    assert page.xpath('//label[@for="password"]')[0].text_content() == "Mật khẩu"
    form = page.xpath('//form[@method="post"][@action="/login"]')[0]
    assert form.xpath('.//input[@name="csrf_token"]/@value')[0]
    assert form.xpath('.//input[@name="password"]/@type') == ["password"]


@pytest.mark.parametrize("token", [None, "", "không-phải-mã"], ids=["missing", "empty", "wrong"])
def test_a_sign_in_without_its_csrf_token_is_refused(web: FlaskClient, internal_ids: list[str],
                                                      token: str | None) -> None:
    """Refuse (400) a sign-in whose form lacks the CSRF token, even with the right password."""
    web.get("/login")  # the session holds a token; the form does not send it
    data = {"name": NAME, "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = web.post("/login", data=data)
    assert response.status_code == 400
    assert "mã bảo vệ" in page_of(response).text_content()
    assert signed_in_as(web.get("/")) is None
    assert not is_staff_view(web, internal_ids[0])


def test_a_sign_out_without_its_csrf_token_is_refused(web: FlaskClient,
                                                       internal_ids: list[str]) -> None:
    """Refuse (400) a sign-out without the CSRF token: the session goes on."""
    assert sign_in(web).status_code == 303
    response = web.post("/logout")
    assert response.status_code == 400
    response = web.post("/logout", data={"csrf_token": "giả"})
    assert response.status_code == 400
    assert signed_in_as(web.get("/")) == NAME
    assert is_staff_view(web, internal_ids[0])


@pytest.mark.parametrize(("name", "password"), [
    (NAME, PASSWORD + "x"), (NAME, OTHER_PASSWORD), ("không-có-ai", PASSWORD), (NAME, "")])
def test_a_wrong_password_answers_401(web: FlaskClient, internal_ids: list[str], name: str,
                                      password: str) -> None:
    """Answer a wrong name or password with the sign-in page, 401, and its message."""
    response = sign_in(web, name, password)
    assert response.status_code == 401
    page = page_of(response)
    assert page.get("lang") == "vi"
    assert [alert.text_content() for alert in page.xpath('//*[@role="alert"]')] == [FAILED]
    assert page.xpath('//form[@action="/login"]//input[@name="csrf_token"]')
    assert signed_in_as(web.get("/")) is None
    assert not is_staff_view(web, internal_ids[0])


def test_signing_in_redirects_with_a_safe_session_cookie(web: FlaskClient) -> None:
    """Redirect (303) and set an HttpOnly, SameSite=Lax cookie, not Secure over http."""
    response = sign_in(web)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    cookie = session_cookie(response)
    assert "httponly" in cookie
    assert cookie.get("samesite") == "Lax"
    assert "secure" not in cookie


def test_the_cookie_is_secure_over_https_behind_a_trusted_proxy(
        new_app: Callable[..., Flask]) -> None:
    """Mark the cookie Secure when a trusted proxy says the request came over HTTPS."""
    https: dict[str, Any] = {"headers": {"X-Forwarded-Proto": "https", "Referer": "https://localhost/login"}}
    behind = new_app(PROXY_FIX=1)
    cookie = session_cookie(sign_in(behind.test_client(), **https))
    assert "secure" in cookie and "httponly" in cookie and cookie.get("samesite") == "Lax"
    # The same app asked over plain http, and a client's own header when no proxy is
    # trusted, do not make the cookie Secure.
    assert "secure" not in session_cookie(sign_in(behind.test_client()))
    assert "secure" not in session_cookie(sign_in(new_app().test_client(), **https))


def test_secure_cookies_marks_the_cookie_secure_on_every_answer(
        new_app: Callable[..., Flask]) -> None:
    """Mark the cookie Secure, even over http, when SECURE_COOKIES is set."""
    client = new_app(SECURE_COOKIES=True).test_client()
    cookie = session_cookie(sign_in(client))
    assert "secure" in cookie and "httponly" in cookie and cookie.get("samesite") == "Lax"


OTHER_SITES = [
    "https://evil.example/", "//evil.example", "//evil.example/documents/x", "///evil.example",
    "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "http:evil.example",
    "javascript:alert(1)", "evil.example", " //evil.example"]


def test_next_goes_to_no_other_site(web: FlaskClient) -> None:
    """Ignore a next that is not a local path: the sign-in goes to the search page."""
    for next_url in OTHER_SITES:
        response = web.get("/login", query_string={"next": next_url})
        assert not page_of(response).xpath('//input[@name="next"]'), next_url
        response = sign_in(web, data={"next": next_url})
        assert response.status_code == 303
        assert response.headers["Location"] == "/", next_url


def test_next_goes_to_a_local_path(web: FlaskClient, public_id: str) -> None:
    """Go back to the local page the sign-in was asked from, query string kept."""
    target = f"/documents/{public_id}?q=k%E1%BA%BF"
    response = web.get("/login", query_string={"next": target})
    assert page_of(response).xpath('//input[@name="next"]/@value') == [target]
    response = sign_in(web, data={"next": target})
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert not location.netloc and f"{location.path}?{location.query}" == target


def test_staff_see_their_name_and_internal_documents_until_they_sign_out(
        web: FlaskClient, internal_ids: list[str], sample_documents: list[Document]) -> None:
    """Show the name and the internal documents, marked "Nội bộ", only while signed in."""
    everything = {"per_page": 100}
    public = hits_of(web.get("/", query_string=everything))
    assert not set(internal_ids) & set(public) and not any(public.values())
    assert len(public) == len(sample_documents) - len(internal_ids)
    for doc_id in internal_ids:
        assert web.get(f"/documents/{doc_id}").status_code == 404

    assert sign_in(web).status_code == 303
    page = web.get("/", query_string=everything)
    assert signed_in_as(page) == NAME
    staff = hits_of(page)
    assert set(staff) == {doc.id for doc in sample_documents}
    assert {doc_id for doc_id, marked in staff.items() if marked} == set(internal_ids)
    for doc_id in internal_ids:
        response = web.get(f"/documents/{doc_id}")
        assert response.status_code == 200
        marks = page_of(response).xpath('//article//*[@class="internal"]')
        assert marks and marks[0].text_content().startswith("Nội bộ")
        assert signed_in_as(response) == NAME
        assert is_staff_view(web, doc_id)

    response = sign_out(web)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = web.get("/", query_string=everything)
    assert "Đã đăng xuất." in page_of(page).text_content()
    assert signed_in_as(page) is None
    assert hits_of(page) == public
    for doc_id in internal_ids:
        assert web.get(f"/documents/{doc_id}").status_code == 404
        assert not is_staff_view(web, doc_id)


def test_a_cookie_kept_from_before_sign_out_no_longer_signs_in(
        web: FlaskClient, internal_ids: list[str]) -> None:
    """End the session itself at sign-out: a copy of its cookie taken before is public."""
    assert sign_in(web).status_code == 303
    cookie = web.get_cookie("tracuu_session")
    assert cookie is not None
    assert sign_out(web).status_code == 303
    replay = web.application.test_client()
    replay.set_cookie("tracuu_session", cookie.value)
    assert signed_in_as(replay.get("/")) is None
    assert not is_staff_view(replay, internal_ids[0])


def test_signing_in_again_ends_the_earlier_sign_in(
        web: FlaskClient, internal_ids: list[str]) -> None:
    """End the sign-in a session held when it signs in again: its old cookie is public."""
    assert sign_in(web).status_code == 303
    cookie = web.get_cookie("tracuu_session")
    assert cookie is not None
    assert sign_in(web).status_code == 303
    assert is_staff_view(web, internal_ids[0])
    replay = web.application.test_client()
    replay.set_cookie("tracuu_session", cookie.value)
    assert not is_staff_view(replay, internal_ids[0])


def test_sign_ins_sign_outs_and_failures_are_logged_once_each(
        web: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    """Log one line per sign-in, failure and sign-out, with the name, never the password."""
    caplog.set_level(logging.INFO, logger="web")
    assert sign_in(web, password="sai-mật-khẩu-rồi", address="10.1.2.3").status_code == 401
    assert sign_in(web).status_code == 303
    web.get("/")
    assert sign_out(web).status_code == 303
    web.get("/")
    lines = [(record.name, record.getMessage()) for record in caplog.records
             if record.name in ("web.signin", "web.access")]
    assert lines == [
        ("web.signin", "sign-in failed for 'lan' from 10.1.2.3"),
        ("web.signin", "signed in: lan from 127.0.0.1"),
        ("web.signin", "signed out: lan from 127.0.0.1"),
    ]
    assert "sai-mật-khẩu-rồi" not in caplog.text and PASSWORD not in caplog.text


# --- Session expiry ------------------------------------------------------------------------


def test_a_session_ends_after_session_hours(new_app: Callable[..., Flask],
                                            internal_ids: list[str]) -> None:
    """Serve the public once SESSION_HOURS have passed since the sign-in."""
    client = new_app(SESSION_HOURS=1 / 3600).test_client()
    assert sign_in(client).status_code == 303
    assert is_staff_view(client, internal_ids[0])
    time.sleep(1.3)
    assert not is_staff_view(client, internal_ids[0])
    assert signed_in_as(client.get("/")) is None


def test_a_session_ends_after_session_hours_however_fresh_its_cookie(
        new_app: Callable[..., Flask], internal_ids: list[str],
        caplog: pytest.LogCaptureFixture) -> None:
    """End a sign-in made longer ago than SESSION_HOURS even if its cookie was just written."""
    caplog.set_level(logging.INFO, logger="web")
    app = new_app(SESSION_HOURS=1)
    client = app.test_client()
    assert sign_in(client).status_code == 303
    database = Path(app.config["INSTANCE_DIR"]) / "accounts.sqlite3"

    def age(seconds: float) -> None:
        with sqlite3.connect(database) as db:
            db.execute("UPDATE sessions SET started = started - ?", (seconds,))

    age(3600 - 60)
    assert is_staff_view(client, internal_ids[0])
    with client.session_transaction() as session:
        session["written"] = True  # rewritten now: the cookie itself is fresh
    age(120)
    assert not is_staff_view(client, internal_ids[0])
    assert signed_in_as(client.get("/")) is None
    assert any(record.name == "web.access" and record.getMessage().startswith("session ended")
               for record in caplog.records)


@pytest.mark.parametrize("change", ["set_password", "remove_user"])
def test_a_new_password_or_a_removed_account_ends_the_session(
        web: FlaskClient, accounts: Accounts, internal_ids: list[str], change: str) -> None:
    """End the sessions of an account whose password changed or which was removed."""
    assert sign_in(web).status_code == 303
    other = web.application.test_client()
    assert sign_in(other, OTHER, OTHER_PASSWORD).status_code == 303
    assert is_staff_view(web, internal_ids[0])
    if change == "set_password":
        accounts.set_password(NAME, "một-mật-khẩu-mới-hẳn")
    else:
        accounts.remove_user(NAME)
    assert not is_staff_view(web, internal_ids[0])
    assert signed_in_as(web.get("/")) is None
    assert signed_in_as(other.get("/")) == OTHER  # another account's session goes on
    if change == "set_password":
        assert sign_in(web).status_code == 401
        assert sign_in(web, password="một-mật-khẩu-mới-hẳn").status_code == 303


def test_a_removed_account_added_again_does_not_revive_its_old_sessions(
        web: FlaskClient, accounts: Accounts, internal_ids: list[str]) -> None:
    """Keep a removed account's sessions ended when an account of that name is made again."""
    assert sign_in(web).status_code == 303
    accounts.remove_user(NAME)
    assert not is_staff_view(web, internal_ids[0])
    accounts.add_user(NAME, "mật-khẩu-của-người-mới")
    assert not is_staff_view(web, internal_ids[0])
    assert signed_in_as(web.get("/")) is None


# --- Tokens --------------------------------------------------------------------------------


@pytest.fixture()
def token(accounts: Accounts) -> str:
    """Return a new API token."""
    made: str = accounts.create_token("may-doc")
    return made


def bearer(token: str) -> dict[str, dict[str, str]]:
    """Return the request arguments that send a token."""
    return {"headers": {"Authorization": f"Bearer {token}"}}


def test_a_token_gives_the_staff_view(web: FlaskClient, token: str, internal_ids: list[str],
                                      sample_documents: list[Document]) -> None:
    """Serve a token's requests the staff view: search, documents, healthz and pages."""
    everything = {"per_page": 100}
    staff = web.get("/api/v1/search", query_string=everything, **bearer(token))
    public = web.get("/api/v1/search", query_string=everything)
    assert staff.status_code == public.status_code == 200
    assert staff.headers["Cache-Control"] == PRIVATE
    assert body_of(staff)["total"] == len(sample_documents)
    assert body_of(public)["total"] == len(sample_documents) - len(internal_ids)
    assert set(internal_ids) <= {hit["id"] for hit in body_of(staff)["results"]}
    for doc_id in internal_ids:
        response = web.get(f"/api/v1/documents/{doc_id}", **bearer(token))
        assert response.status_code == 200 and body_of(response)["id"] == doc_id
        assert response.headers["Cache-Control"] == PRIVATE
        page = web.get(f"/documents/{doc_id}", **bearer(token))
        assert page.status_code == 200 and page.headers["Cache-Control"] == PRIVATE
    health = web.get("/healthz", **bearer(token))
    assert health.status_code == 200 and health.headers["Cache-Control"] == PRIVATE
    assert body_of(health)["documents"] == len(sample_documents)
    assert body_of(web.get("/healthz"))["documents"] == len(sample_documents) - len(internal_ids)
    page = web.get("/", query_string=everything, **bearer(token))
    assert page.headers["Cache-Control"] == PRIVATE
    assert {doc_id for doc_id, marked in hits_of(page).items() if marked} == set(internal_ids)
    assert "Truy cập bằng mã may-doc" in " ".join(page_of(page).text_content().split())


def test_only_answers_to_staff_are_private(web: FlaskClient, token: str, public_id: str,
                                           internal_ids: list[str]) -> None:
    """Mark answers to staff (session or token) private, no-store; not the public's."""
    paths = ["/", "/?q=b%C3%A1o+c%C3%A1o", f"/documents/{public_id}", "/api/v1/search",
             f"/api/v1/documents/{public_id}", "/healthz", "/login"]
    for path in paths:
        response = web.get(path)
        assert response.status_code == 200, path
        cache = response.headers.get("Cache-Control", "")
        assert "private" not in cache and "no-store" not in cache, path
    for path in paths:
        assert web.get(path, **bearer(token)).headers.get("Cache-Control") == PRIVATE, path
    assert sign_in(web).status_code == 303
    for path in [*paths, f"/documents/{internal_ids[0]}"]:
        assert web.get(path).headers.get("Cache-Control") == PRIVATE, path


def invalid_token(response: TestResponse) -> None:
    """Check an answer is the 401 of a refused token, and nothing of the public view."""
    assert response.status_code == 401, response.status
    assert json_error(response)["code"] == "invalid_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


BAD_HEADERS: dict[str, Callable[[str], str]] = {
    "unknown": lambda token: "Bearer tracuu_" + "A" * 43,
    "one-character-off": lambda token: "Bearer " + token[:-1] + ("B" if token[-1] == "A" else "A"),
    "no-prefix": lambda token: "Bearer " + token.removeprefix("tracuu_"),
    "empty": lambda token: "Bearer",
    "basic": lambda token: "Basic " + base64.b64encode(f"lan:{token}".encode()).decode(),
    "other-scheme": lambda token: "Token " + token,
    "no-scheme": lambda token: token,
}


@pytest.mark.parametrize("header", list(BAD_HEADERS))
def test_a_bad_token_answers_401_never_the_public_view(
        web: FlaskClient, token: str, public_id: str, header: str) -> None:
    """Refuse a wrong token or another scheme with a 401 JSON error, on every path."""
    value = BAD_HEADERS[header](token)
    for path in ["/api/v1/search", f"/api/v1/documents/{public_id}", "/healthz", "/",
                 f"/documents/{public_id}", "/login"]:
        invalid_token(web.get(path, headers={"Authorization": value}))


def test_a_token_revoked_after_the_app_started_is_refused(
        web: FlaskClient, accounts: Accounts, token: str, internal_ids: list[str],
        caplog: pytest.LogCaptureFixture) -> None:
    """Refuse a token from the moment it is revoked, in an app already running."""
    caplog.set_level(logging.INFO, logger="web")
    assert is_staff_view(web, internal_ids[0], **bearer(token))
    accounts.revoke_token("may-doc")
    invalid_token(web.get(f"/api/v1/documents/{internal_ids[0]}", **bearer(token)))
    invalid_token(web.get("/api/v1/search", **bearer(token)))
    invalid_token(web.get("/healthz", **bearer(token)))
    assert [record.getMessage() for record in caplog.records if record.name == "web.access"] \
        == ["refused a request with a wrong or revoked token from 127.0.0.1"] * 3


# --- Rate limits ---------------------------------------------------------------------------


def too_many(response: TestResponse) -> None:
    """Check an answer is the sign-in page refused for too many failures."""
    assert response.status_code == 429, response.status
    page = page_of(response)
    assert page.get("lang") == "vi"
    alerts = [alert.text_content() for alert in page.xpath('//*[@role="alert"]')]
    assert len(alerts) == 1 and alerts[0].startswith(TOO_MANY), alerts
    assert page.xpath('//form[@action="/login"]')


def test_failed_sign_ins_are_limited_per_account(new_app: Callable[..., Flask],
                                                 internal_ids: list[str],
                                                 caplog: pytest.LogCaptureFixture) -> None:
    """Refuse an account after LOGIN_ACCOUNT_LIMIT failures from any address; not another."""
    caplog.set_level(logging.INFO, logger="web")
    app = new_app(LOGIN_ACCOUNT_LIMIT="3 per 15 minutes", LOGIN_ADDRESS_LIMIT="100 per hour")
    client = app.test_client()
    # Written as the name is stored or not, from three addresses: one account.
    for number, name in enumerate(["lan", "LAN", " Lan "], start=1):
        response = sign_in(client, name, "sai-mật-khẩu-rồi", address=f"10.0.0.{number}")
        assert response.status_code == 401
    too_many(sign_in(client, address="10.0.0.9"))
    assert not is_staff_view(client, internal_ids[0])
    assert sign_in(client, OTHER, OTHER_PASSWORD, address="10.0.0.1").status_code == 303
    assert is_staff_view(client, internal_ids[0])
    refused = [record.getMessage() for record in caplog.records
               if record.getMessage().startswith("sign-in refused")]
    assert refused == ["sign-in refused (too many failures) for 'lan' from 10.0.0.9"]


def test_failed_sign_ins_are_limited_per_address(new_app: Callable[..., Flask]) -> None:
    """Refuse an address after LOGIN_ADDRESS_LIMIT failures for any accounts; not another."""
    app = new_app(LOGIN_ACCOUNT_LIMIT="100 per hour", LOGIN_ADDRESS_LIMIT="3 per 15 minutes")
    client = app.test_client()
    for name in ["an", "binh", "chi"]:
        assert sign_in(client, name, "sai-mật-khẩu-rồi", address="10.0.0.1").status_code == 401
    too_many(sign_in(client, address="10.0.0.1"))
    too_many(sign_in(client, address="10.0.0.1", headers={"X-Forwarded-For": "10.9.9.9"}))
    assert sign_in(client, address="10.0.0.2").status_code == 303


def test_successful_sign_ins_do_not_count(new_app: Callable[..., Flask]) -> None:
    """Count only failed sign-ins against both limits."""
    app = new_app(LOGIN_ACCOUNT_LIMIT="3 per 15 minutes", LOGIN_ADDRESS_LIMIT="3 per 15 minutes")
    for _ in range(2):
        assert sign_in(app.test_client(), password="sai-mật-khẩu-rồi").status_code == 401
    for _ in range(4):
        assert sign_in(app.test_client()).status_code == 303
    assert sign_in(app.test_client(), password="sai-mật-khẩu-rồi").status_code == 401
    too_many(sign_in(app.test_client()))


def test_public_api_requests_are_limited_per_address(new_app: Callable[..., Flask],
                                                     token: str) -> None:
    """Refuse the public's API past API_RATE_LIMIT (429 JSON); not staff nor /healthz."""
    client = new_app(API_RATE_LIMIT="5 per minute").test_client()
    for _ in range(5):
        assert client.get("/api/v1/search?q=k%E1%BA%BF+ho%E1%BA%A1ch").status_code == 200
    response = client.get("/api/v1/search")
    assert response.status_code == 429
    assert json_error(response)["code"] == "too_many_requests"
    assert response.headers.get("Retry-After", "").isdigit()
    assert client.get("/api/v1/search", environ_base={"REMOTE_ADDR": "10.0.0.2"}) \
        .status_code == 200
    for _ in range(8):
        assert client.get("/api/v1/search", **bearer(token)).status_code == 200
        assert client.get("/healthz").status_code == 200
    assert sign_in(client).status_code == 303
    for _ in range(3):
        assert client.get("/api/v1/search").status_code == 200


def test_the_api_limit_counts_every_api_request_together(
        new_app: Callable[..., Flask], public_id: str) -> None:
    """Count the public's requests to every API endpoint against one API_RATE_LIMIT."""
    client = new_app(API_RATE_LIMIT="5 per minute").test_client()
    statuses = [client.get("/api/v1/search").status_code for _ in range(3)]
    statuses += [client.get(f"/api/v1/documents/{public_id}").status_code for _ in range(3)]
    assert statuses == [200] * 5 + [429]


@pytest.fixture(scope="module")
def limited_server(sample_index: tuple[Path, IngestReport],
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start gunicorn with 2 workers and a public API limit of 10 requests a minute."""
    folder = tmp_path_factory.mktemp("limited")
    bind = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "TRACUU_BIND": bind, "TRACUU_INDEX_DIR": str(sample_index[0]),
           "TRACUU_WORKERS": "2", "TRACUU_API_RATE_LIMIT": "10 per minute",
           "TRACUU_INSTANCE_DIR": str(folder / "instance")}
    command = [sys.executable, "-m", "gunicorn", "--config", "python:web.gunicorn_settings"]
    with serving(command, bind, cwd=PROJECT, log_path=folder / "server.log", env=env) as served:
        yield served.base
    assert "Traceback" not in served.output, served.output


def test_gunicorn_workers_share_the_rate_limit_counters(limited_server: str) -> None:
    """Count the public's API requests once for all workers: 10 of 16 answer 200."""
    with ThreadPoolExecutor(4) as pool:  # at once, so that both workers answer
        answers = list(pool.map(lambda _: get(f"{limited_server}/api/v1/search?q=h%E1%BB%99i"),
                                range(16)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 10 + [429] * 6
    assert all(body["error"]["code"] == "too_many_requests"
               for status, body in answers if status == 429)
    assert get(f"{limited_server}/healthz")[0] == 200


def test_gunicorn_does_not_say_its_version(limited_server: str) -> None:
    """Send a Server header without a version number, and the hardening headers."""
    for path in ["/healthz", "/", "/static/style.css", "/khong-co"]:
        try:
            response = urllib.request.urlopen(limited_server + path, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            server = response.headers.get("Server", "")
            assert not re.search(r"\d", server), (path, server)
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


# --- Bounds --------------------------------------------------------------------------------


def test_per_page_is_bounded_by_max_per_page(new_app: Callable[..., Flask]) -> None:
    """Answer per_page past MAX_PER_PAGE with a 400 naming per_page."""
    client = new_app(MAX_PER_PAGE=20).test_client()
    assert client.get("/api/v1/search?per_page=20").status_code == 200
    response = client.get("/api/v1/search?per_page=21")
    assert response.status_code == 400
    error = json_error(response)
    assert error["code"] == "invalid_parameter" and "per_page" in error["message"]
    assert "20" in error["message"]
    assert client.get("/?per_page=21").status_code == 400


def test_page_is_bounded_by_max_page(new_app: Callable[..., Flask]) -> None:
    """Answer a page past MAX_PAGE with a 400 naming page."""
    client = new_app(MAX_PAGE=5).test_client()
    assert client.get("/api/v1/search?page=5").status_code == 200
    response = client.get("/api/v1/search?page=6")
    assert response.status_code == 400
    error = json_error(response)
    assert error["code"] == "invalid_parameter" and "'page'" in error["message"]
    assert client.get("/?page=6").status_code == 400


def test_a_large_post_answers_413(new_app: Callable[..., Flask]) -> None:
    """Answer a sign-in body past MAX_CONTENT_LENGTH with 413, not 500; a normal one works."""
    client = new_app(MAX_CONTENT_LENGTH=2048).test_client()
    response = sign_in(client, password="x" * 4096)
    assert response.status_code == 413
    assert page_of(response).get("lang") == "vi"
    assert "quá lớn" in page_of(response).text_content()
    assert sign_in(client).status_code == 303


def test_a_long_url_answers_414_json_under_the_api(new_app: Callable[..., Flask]) -> None:
    """Answer a URL past MAX_URL_BYTES with 414: JSON under /api/, a page elsewhere."""
    client = new_app(MAX_URL_BYTES=256).test_client()
    assert client.get("/api/v1/search?q=" + "a" * 100).status_code == 200
    response = client.get("/api/v1/search?q=" + "a" * 300)
    assert response.status_code == 414
    assert json_error(response)["code"] == "uri_too_long"
    response = client.get("/?q=" + "a" * 300)
    assert response.status_code == 414 and response.mimetype == "text/html"


# --- Hardening -----------------------------------------------------------------------------

ANSWERS: dict[str, tuple[int, Callable[[FlaskClient, str], TestResponse]]] = {
    "page": (200, lambda client, doc: client.get("/?q=b%C3%A1o+c%C3%A1o")),
    "document page": (200, lambda client, doc: client.get(f"/documents/{doc}")),
    "login page": (200, lambda client, doc: client.get("/login")),
    "json": (200, lambda client, doc: client.get("/api/v1/search")),
    "healthz": (200, lambda client, doc: client.get("/healthz")),
    "404 page": (404, lambda client, doc: client.get("/documents/khong-co")),
    "404 json": (404, lambda client, doc: client.get("/api/v1/documents/khong-co")),
    "401 token": (401, lambda client, doc: client.get("/", headers={
        "Authorization": "Bearer tracuu_sai"})),
    "401 sign-in": (401, lambda client, doc: sign_in(client, password="sai-mật-khẩu-rồi")),
    "429 json": (429, lambda client, doc: [client.get("/api/v1/search") for _ in range(3)][-1]),
    "429 sign-in": (429, lambda client, doc: [
        sign_in(client, password="sai-mật-khẩu-rồi") for _ in range(3)][-1]),
    "400 csrf": (400, lambda client, doc: client.post("/logout")),
    "405": (405, lambda client, doc: client.post("/api/v1/search")),
    "413": (413, lambda client, doc: client.post("/login", data={"name": "x" * 5000})),
    "414": (414, lambda client, doc: client.get("/api/v1/search?q=" + "a" * 5000)),
    "static": (200, lambda client, doc: client.get("/static/style.css")),
    "redirect": (303, lambda client, doc: sign_in(client)),
}


@pytest.mark.parametrize("kind", list(ANSWERS))
def test_every_answer_carries_the_hardening_headers(new_app: Callable[..., Flask],
                                                    public_id: str, kind: str) -> None:
    """Send the CSP, nosniff and referrer headers with every kind of answer."""
    status, ask = ANSWERS[kind]
    client = new_app(API_RATE_LIMIT="2 per minute", LOGIN_ACCOUNT_LIMIT="2 per hour",
                     MAX_CONTENT_LENGTH=4096, MAX_URL_BYTES=4096).test_client()
    with ask(client, public_id) as response:
        assert response.status_code == status, response.get_data(as_text=True)[:500]
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {name: values for name, *values in
                  (part.split() for part in policy.split(";") if part.strip())}
    assert directives.get("script-src") == ["'self'"], policy
    assert directives.get("style-src") == ["'self'"], policy
    assert directives.get("frame-ancestors") == ["'none'"], policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"


def inline_code(response: TestResponse) -> list[str]:
    """Return what a page holds of inline script or style (nothing, if the CSP is to hold)."""
    page = page_of(response)
    found = [f"<style> {element.text_content()[:60]}" for element in page.iter("style")]
    found += [f"<script> {(element.text or '')[:60]}" for element in page.iter("script")
              if not element.get("src") or (element.text or "").strip()]
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        found += [f"{element.tag} {name}=" for name in element.attrib
                  if name == "style" or name.lower().startswith("on")]
        found += [f"{element.tag} {name}={value}" for name, value in element.attrib.items()
                  if value.strip().lower().startswith("javascript:")]
    return found


def test_no_page_holds_inline_script_or_style(new_app: Callable[..., Flask], public_id: str,
                                             internal_ids: list[str], token: str) -> None:
    """Serve pages with no inline script, style attribute or <style> element."""
    client = new_app(LOGIN_ACCOUNT_LIMIT="1 per hour").test_client()
    pages = {
        "search": client.get("/"),
        "results": client.get("/?q=b%C3%A1o+c%C3%A1o&type=bao-cao&sort=newest&per_page=5"),
        "no results": client.get("/?q=zzzyyyxxx"),
        "document": client.get(f"/documents/{public_id}"),
        "login": client.get("/login?next=/documents/x"),
        "404": client.get("/documents/khong-co"),
        "400": client.get("/?page=0"),
        "failed sign-in": sign_in(client, password="sai-mật-khẩu-rồi"),
        "429 sign-in": sign_in(client, password="sai-mật-khẩu-rồi"),
        "token search": client.get("/?q=b%C3%A1o+c%C3%A1o", **bearer(token)),
    }
    staff = client.application.test_client()
    assert sign_in(staff, OTHER, OTHER_PASSWORD).status_code == 303
    pages["signed-in search"] = staff.get("/?q=b%C3%A1o+c%C3%A1o")
    pages["internal document"] = staff.get(f"/documents/{internal_ids[0]}")
    assert sign_out(staff).status_code == 303
    pages["signed out"] = staff.get("/")
    assert pages["429 sign-in"].status_code == 429
    assert pages["internal document"].status_code == 200
    for name, response in pages.items():
        assert response.mimetype == "text/html", name
        assert inline_code(response) == [], name


def test_an_unreadable_accounts_file_answers_503_never_500(
        instance: Path, index_dir: Path, make_app: Callable[[Path], Flask]) -> None:
    """Answer 503 (JSON, Retry-After) to a token or a sign-in while the accounts file cannot
    be opened; the public is served as usual."""
    instance.mkdir(mode=0o700)
    (instance / "accounts.sqlite3").mkdir()  # not a file SQLite can open
    app = make_app(index_dir)
    app.config["INSTANCE_DIR"] = str(instance)
    app.extensions["tracuu.accounts"] = Accounts(instance)
    client = app.test_client()
    response = client.get("/api/v1/search", headers={"Authorization": "Bearer tracuu_x"})
    # The app's Retry-After, not the rate limiter's window.
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert json_error(response)["code"] == "accounts_unavailable"
    page = client.get("/login")
    token = page_of(page).xpath('//input[@name="csrf_token"]/@value')[0]
    response = client.post("/login", data={"csrf_token": token, "name": NAME,
                                           "password": PASSWORD})
    assert response.status_code == 503
    assert client.get("/api/v1/search?q=chi+bo").status_code == 200


def test_a_503_says_when_to_come_back_not_the_rate_limits_window(tmp_path: Path) -> None:
    from web import create_app

    app = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True,
                      "INSTANCE_DIR": str(tmp_path / "instance"),
                      "API_RATE_LIMIT": "600 per minute", "RATELIMIT_STORAGE_URI": "memory://"})
    try:
        response = app.test_client().get("/api/v1/search")
        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    finally:
        app.extensions["tracuu.index"].close()
