"""The cookie routes (app_web/sign_in.py) over HTTP, on SQLite and on PostgreSQL: who gets the
cookie, with which attributes, and that anything wrong answers "not remembered" and no more."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from app_web import sign_in
from storymaker import accounts
from storymaker.data import LibraryBusy
from storymaker.services import sessions as service

from tests.infra.postgres import free_port
from tests.peek import value

ORIGIN = "http://testserver"
JSON = {"Origin": ORIGIN}
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


@pytest.fixture
def client(monkeypatch, tmp_path, database_url):
    """The routes alone, served over the app's settings (a data folder of this test's; PostgreSQL too)."""
    monkeypatch.setenv("STORYMAKER_DATA_DIR", str(tmp_path / "data"))
    if database_url:
        monkeypatch.setenv("STORYMAKER_DATABASE_URL", database_url)
    sign_in._engine.cache_clear()
    with TestClient(Starlette(routes=sign_in.routes)) as test_client:
        yield test_client
    sign_in._engine.cache_clear()


def ticket() -> tuple[int, str]:
    """A sign-in as a script run starts it: (session id, the ticket its page posts)."""
    engine = sign_in.engine()
    return service.begin(engine, accounts.get_or_create(engine.db(), "ada"), UA)


def cookie_headers(response) -> list[str]:
    return response.headers.get_list("set-cookie")


def attributes(header: str) -> dict[str, str]:
    """A Set-Cookie header's attributes by lower-case name (flags map to "")."""
    parts = [part.strip() for part in header.split(";")]
    return {name.strip().lower(): rest.strip() for name, _, rest in (p.partition("=") for p in parts[1:])}


def cookie_value(header: str) -> str:
    name, _, token = header.split(";")[0].partition("=")
    assert name == sign_in.COOKIE
    return token.strip('"')


def remember(client, the_ticket, **headers):
    return client.post("/signin/remember", json={"ticket": the_ticket}, headers={**JSON, **headers})


def sessions_in_db() -> int:
    return value(sign_in.engine().db(), "SELECT count(*) FROM sessions")


def refused(response) -> None:
    assert response.status_code == 200 and response.json() == {"ok": False}
    assert not cookie_headers(response)


# -- remember ----------------------------------------------------------------------------------

def test_a_good_ticket_sets_an_http_only_lax_cookie_for_the_whole_site(client):
    _, the_ticket = ticket()
    response = remember(client, the_ticket)
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert response.headers["cache-control"] == "no-store"
    [header] = cookie_headers(response)
    token = cookie_value(header)
    flags = attributes(header)
    assert "httponly" in flags and flags["samesite"].lower() == "lax" and flags["path"] == "/"
    assert "secure" not in flags  # plain http: a Secure cookie would never come back
    assert int(flags["max-age"]) == 30 * 86_400
    assert token not in response.text
    assert service.restore(sign_in.engine(), token) is not None


@pytest.mark.parametrize("how", ["forwarded", "https"])
def test_the_cookie_is_secure_when_the_browser_used_https(client, how):
    _, the_ticket = ticket()
    if how == "forwarded":  # a proxy that ends TLS says so
        response = remember(client, the_ticket, **{"X-Forwarded-Proto": "https"})
    else:
        response = client.post("https://testserver/signin/remember", json={"ticket": the_ticket},
                               headers={"Origin": "https://testserver"})
    [header] = cookie_headers(response)
    assert response.json() == {"ok": True} and "secure" in attributes(header)


def test_max_age_follows_the_setting(client, monkeypatch):
    monkeypatch.setenv("STORYMAKER_SIGN_IN_DAYS", "2")
    _, the_ticket = ticket()
    [header] = cookie_headers(remember(client, the_ticket))
    assert int(attributes(header)["max-age"]) == 2 * 86_400


def test_a_ticket_works_once(client):
    _, the_ticket = ticket()
    assert remember(client, the_ticket).json() == {"ok": True}
    refused(remember(client, the_ticket))


def test_a_request_from_no_or_another_origin_is_refused_and_spends_nothing(client):
    _, the_ticket = ticket()
    for origin in (None, "null", "http://evil.example", "http://testserver.evil.example",
                   "https://evil.example/http://testserver", "http://testserver:8080"):
        headers = {} if origin is None else {"Origin": origin}
        refused(client.post("/signin/remember", json={"ticket": the_ticket}, headers=headers))
    assert remember(client, the_ticket).json() == {"ok": True}  # the ticket was not even looked at


def test_a_proxys_forwarded_host_is_this_app_too(client):
    _, the_ticket = ticket()
    response = remember(client, the_ticket, Origin="https://books.example.org",
                        **{"X-Forwarded-Host": "books.example.org", "X-Forwarded-Proto": "https"})
    assert response.json() == {"ok": True}


def test_anything_but_a_json_object_is_refused(client):
    _, the_ticket = ticket()
    as_json = {**JSON, "Content-Type": "application/json"}
    # What a cross-site <form> can send without asking (form-encoded, text/plain), then bodies that are not an object.
    refused(client.post("/signin/remember", data={"ticket": the_ticket}, headers=JSON))
    refused(client.post("/signin/remember", content=f'{{"ticket": "{the_ticket}"}}',
                        headers={**JSON, "Content-Type": "text/plain"}))
    refused(client.post("/signin/remember", json=[the_ticket], headers=JSON))
    refused(client.post("/signin/remember", content='{"ticket": ', headers=as_json))
    refused(client.post("/signin/remember", content=b"\xff\xfe", headers=as_json))
    refused(client.post("/signin/remember", headers=JSON))
    assert remember(client, the_ticket).json() == {"ok": True}


def test_a_get_sets_no_cookie_and_spends_nothing(client):
    _, the_ticket = ticket()
    response = client.get(f"/signin/remember?ticket={the_ticket}", headers=JSON)
    assert response.status_code == 405 and not cookie_headers(response)  # only POST is routed
    assert the_ticket not in response.text
    assert remember(client, the_ticket).json() == {"ok": True}


def test_a_bad_ticket_is_refused_without_saying_why(client):
    ticket()
    for bad in ("a" * 43, "!" * 43, "a" * 500, "", None, 42, ["x"], {"t": 1}):
        refused(remember(client, bad))


def test_a_ticket_of_a_signed_out_session_is_refused(client):
    session_id, the_ticket = ticket()
    engine = sign_in.engine()
    service.sign_out(engine, accounts.get_or_create(engine.db(), "ada"), session_id)
    refused(remember(client, the_ticket))


# -- check, forget, renew ------------------------------------------------------------------------

def remembered_token(client) -> str:
    _, the_ticket = ticket()
    [header] = cookie_headers(remember(client, the_ticket))
    return cookie_value(header)


def check(client) -> bool:
    response = client.get("/signin/check")
    assert response.status_code == 200 and set(response.json()) == {"remembered"}
    assert response.headers["cache-control"] == "no-store"
    return response.json()["remembered"]


def test_check_says_remembered_only_with_a_live_cookie(client):
    assert check(client) is False  # no cookie
    client.cookies.set(sign_in.COOKIE, "a" * 43)
    assert check(client) is False  # a forged one
    client.cookies.clear()
    token = remembered_token(client)  # the client keeps the cookie it was given, as a browser does
    assert client.cookies.get(sign_in.COOKIE) == token
    assert check(client) is True


def test_forget_ends_the_sign_in_and_deletes_the_cookie(client):
    token = remembered_token(client)
    assert sessions_in_db() == 1
    response = client.post("/signin/forget", headers=JSON)
    assert response.json() == {"ok": True} and token not in response.text
    [header] = cookie_headers(response)
    assert cookie_value(header) == "" and attributes(header)["max-age"] == "0"
    assert sessions_in_db() == 0
    assert client.cookies.get(sign_in.COOKIE) is None
    client.cookies.set(sign_in.COOKIE, token)  # the old value, set back by hand
    assert check(client) is False
    renewed = client.post("/signin/renew", headers=JSON)
    assert renewed.json() == {"ok": False} and cookie_value(cookie_headers(renewed)[0]) == ""


def test_forget_from_another_origin_ends_nothing(client):
    remembered_token(client)
    refused(client.post("/signin/forget", headers={"Origin": "http://evil.example"}))
    assert sessions_in_db() == 1 and check(client) is True


def test_forget_without_a_cookie_still_answers_ok(client):
    ticket()
    response = client.post("/signin/forget", headers=JSON)
    assert response.json() == {"ok": True} and sessions_in_db() == 1


def test_renew_sets_the_cookie_again_for_a_live_token(client):
    token = remembered_token(client)
    response = client.post("/signin/renew", headers=JSON)
    assert response.json() == {"ok": True} and token not in response.text
    [header] = cookie_headers(response)
    assert cookie_value(header) == token and int(attributes(header)["max-age"]) == 30 * 86_400
    assert "httponly" in attributes(header)


def test_renew_drops_a_dead_cookie(client):
    ticket()
    for cookie in (None, "a" * 43, "not a token"):
        client.cookies.clear()
        if cookie:
            client.cookies.set(sign_in.COOKIE, cookie)
        response = client.post("/signin/renew", headers=JSON)
        assert response.json() == {"ok": False}
        [header] = cookie_headers(response)
        assert cookie_value(header) == "" and attributes(header)["max-age"] == "0"


def test_renew_from_another_origin_is_refused(client):
    remembered_token(client)
    refused(client.post("/signin/renew", headers={"Origin": "http://evil.example"}))


# -- a database that is down or busy -------------------------------------------------------------

def test_a_busy_library_reads_as_not_remembered(client, monkeypatch):
    token = remembered_token(client)
    _, the_ticket = ticket()

    def busy(*args, **kwargs):
        raise LibraryBusy()

    for name in ("trade_ticket", "renew_cookie", "forget_cookie", "restore"):
        monkeypatch.setattr(service, name, busy)
    response = client.get("/signin/check")
    assert response.status_code == 200 and response.json() == {"remembered": False}
    for route in ("remember", "renew", "forget"):
        client.cookies.set(sign_in.COOKIE, token)
        body = {"ticket": the_ticket} if route == "remember" else None
        response = client.post(f"/signin/{route}", json=body, headers=JSON)
        assert response.status_code == 200 and token not in response.text and "busy" not in response.text.lower()
        assert response.json() == {"ok": route == "forget"}, route  # forget drops the cookie all the same


def test_an_unreachable_database_server_reads_as_not_remembered(monkeypatch, tmp_path):
    # No server listens on that port: every route answers "not remembered" (never a 500).
    monkeypatch.setenv("STORYMAKER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STORYMAKER_DATABASE_URL", f"postgresql://nobody:pw@127.0.0.1:{free_port()}/storymaker")
    sign_in._engine.cache_clear()
    with TestClient(Starlette(routes=sign_in.routes), raise_server_exceptions=False) as client:
        client.cookies.set(sign_in.COOKIE, "a" * 43)
        response = remember(client, "b" * 43)
        assert response.status_code == 200 and response.json() == {"ok": False}
        assert client.get("/signin/check").json() == {"remembered": False}
        for route in ("renew", "forget"):
            answer = client.post(f"/signin/{route}", headers=JSON)
            assert answer.status_code == 200 and answer.json() == {"ok": route == "forget"}
    sign_in._engine.cache_clear()


def test_behind_a_proxy_the_public_address_is_an_origin_of_the_app(client, monkeypatch):
    """A proxy that forwards to an inner host and sends no X-Forwarded-Host: the page's Origin is
    the public address, which STORYMAKER_PUBLIC_URL names."""
    _, first = ticket()
    refused(remember(client, first, Origin="https://books.example.org"))
    monkeypatch.setenv("STORYMAKER_PUBLIC_URL", "https://books.example.org")
    sign_in._engine.cache_clear()
    _, second = ticket()
    response = remember(client, second, Origin="https://books.example.org")
    assert response.json() == {"ok": True} and cookie_headers(response)
    refused(remember(client, ticket()[1], Origin="https://elsewhere.example"))
