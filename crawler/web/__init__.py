"""The coordinator's web app: Översikt, Granska, Utlysningar, and the public unsubscribe page.

Flask with Jinja2 templates (every template escaped, whatever its name), served by waitress on
127.0.0.1 unless told otherwise, and never without a password (crawler.web.password). Every page
but the public ones asks for the login, and every change is a POST with the session's CSRF token,
except the public unsubscribe, whose signed link is its own proof (crawler.web.auth). Pages work
without JavaScript and no page loads any script: the Content-Security-Policy allows none.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import waitress.server
from flask import Flask, g, render_template, request
from jinja2 import StrictUndefined
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response

from crawler.config.settings import load_settings
from crawler.normalize import safe_url
from crawler.store import open_db
from crawler.web import (
    auth,
    calls_pages,
    common,
    public,
    recipients_page,
    review_page,
    sending_page,
    sources_page,
)
from crawler.web.password import require_password
from digest import swedish
from digest.unsubscribe import derived_key, load_secret, unsubscribe_url

__all__ = ["create_app", "make_server", "serve", "unsubscribe_url"]

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
    " base-uri 'none'; frame-ancestors 'none'"
)


def create_app(
    db_path: str | Path,
    *,
    settings_path: str | Path | None = None,
    needs_path: str | Path | None = None,
    sources_path: str | Path | None = None,
) -> Flask:
    """The app over one database; the database is opened (and migrated) once here, so a path
    that cannot be a database fails at start, not at the first request."""
    db_path = Path(db_path)
    open_db(db_path).close()
    secret = load_secret(db_path)
    web = load_settings(settings_path).get("web") or {}
    base_url = safe_url(web.get("base_url")) if web.get("base_url") else None
    trusted = list(LOOPBACK_HOSTS)
    if base_url and urlsplit(base_url).hostname:
        trusted.append(urlsplit(base_url).hostname)

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=derived_key(secret, "session"),
        SESSION_COOKIE_NAME="utlys_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(base_url and base_url.startswith("https:")),
        # A signed cookie older than this (since the last change to it) is not read back.
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # Answer only to the names this app is reached by (a rebinding attack comes with an
        # outside Host name).
        TRUSTED_HOSTS=trusted,
        MAX_CONTENT_LENGTH=256 * 1024,
        UTLYS_DB=str(db_path),
        UTLYS_NEEDS=str(needs_path) if needs_path else None,
        UTLYS_SETTINGS=str(settings_path) if settings_path else None,
        UTLYS_SOURCES=str(sources_path) if sources_path else None,
        UTLYS_SECRET=secret,
        UTLYS_BASE_URL=base_url,
    )
    _templates(app)
    app.register_blueprint(calls_pages.bp)
    app.register_blueprint(review_page.bp)
    app.register_blueprint(sending_page.bp)
    app.register_blueprint(sources_page.bp)
    app.register_blueprint(recipients_page.bp)
    app.register_blueprint(public.bp)
    auth.init_app(app)  # app-wide: the guard covers every route, also blueprints added later
    app.teardown_appcontext(common.close_db)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, _error)
    return app


def _templates(app: Flask) -> None:
    env = app.jinja_env
    # Everything escaped, whatever a template is called: select_autoescape matches the end of the
    # name, and "x.html.j2" would go unescaped.
    env.autoescape = True
    env.undefined = StrictUndefined
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters.update(
        datum=swedish.datum,
        kronor=swedish.kronor,
        status=swedish.status_text,
        safe_url=safe_url,
    )


def _headers(response: Response) -> Response:
    # A page that frames a digest preview of this app (Utskick) says so in ``g.frames``.
    policy = CSP + "; frame-src 'self'" if g.get("frames") else CSP
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # Unsubscribe links carry a token: never hand them on to another site.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


_PLAIN = {"Content-Type": "text/plain; charset=utf-8"}
ERROR_WORDS = {
    400: "Felaktig begäran",
    403: "Åtkomst nekad",
    404: "Sidan finns inte",
    405: "Metoden är inte tillåten",
    413: "För mycket data",
    429: "För många försök",
}


def _error(exc: HTTPException) -> Any:
    code = exc.code or 500
    if isinstance(exc, SecurityError):  # an untrusted Host: no page, no links built from it
        return "Okänd värd; använd adressen utlys visar när den startar.\n", 400, _PLAIN
    if code == 400 and exc.description == "csrf":
        text = (
            "Formuläret saknar sin kontrollkod eller har gått ut. Ladda om sidan och försök"
            " igen; inget ändrades."
        )
    elif code == 403 and exc.description == "login":
        text = "Du behöver logga in först; inget ändrades."
    elif code == 404:
        text = "Det finns ingen sida på den adressen."
    else:
        text = "Begäran kunde inte utföras; inget ändrades."
    title = ERROR_WORDS.get(code, "Något gick fel")
    return render_template("error.html", title=title, text=text, code=code), code


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 8080, **options: Any):
    """A waitress server for the app, listening but not yet serving (``port=0``: any free port,
    see ``effective_port``). A host other than the loopback ones is added to the names the app
    answers to. Refuses (PasswordError) when no password is set: nobody could log in, and no
    page must be served without one."""
    require_password(app.config["UTLYS_DB"])
    if host not in ("0.0.0.0", "::", "") and host not in app.config["TRUSTED_HOSTS"]:
        app.config["TRUSTED_HOSTS"] = [*app.config["TRUSTED_HOSTS"], host.strip("[]")]
    options.setdefault("ident", "utlys")
    return waitress.server.create_server(app, host=host, port=port, **options)


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8080, **options: Any) -> None:
    """Serve the app with waitress until interrupted; only 127.0.0.1 unless told otherwise."""
    server = make_server(app, host, port, **options)
    server.print_listen("utlys web: http://{}:{}/")
    server.run()
