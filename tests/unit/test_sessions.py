"""The session cookie works as Flask's does, though anonymous requests skip its set-up."""

from flask import Flask, session

from shop.security import CookieOnDemandSessionInterface


def make_app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "s" * 40
    app.session_interface = CookieOnDemandSessionInterface()

    @app.get("/set")
    def set_value():
        session["who"] = "dr-rossi"
        return "ok"

    @app.get("/get")
    def get_value():
        return session.get("who", "nobody")

    return app


def test_a_visitor_without_a_cookie_gets_an_empty_session_and_no_cookie():
    client = make_app().test_client()
    response = client.get("/get")
    assert response.text == "nobody"
    assert "Set-Cookie" not in response.headers


def test_a_session_set_once_comes_back_signed():
    client = make_app().test_client()
    assert "session=" in client.get("/set").headers["Set-Cookie"]
    assert client.get("/get").text == "dr-rossi"


def test_a_tampered_cookie_is_ignored():
    client = make_app().test_client()
    client.get("/set")
    client.set_cookie("session", "forged.value.here")
    assert client.get("/get").text == "nobody"
