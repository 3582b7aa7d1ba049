"""Who may do what: the login, the CSRF token and the one guard every request passes.

The guard runs before every view (``before_request``), so a page or blueprint added later is
private and CSRF-checked without doing anything; only the endpoints in ``PUBLIC_ENDPOINTS``
answer without a login, and only ``CSRF_EXEMPT`` takes a POST without the session's token: the
one-click unsubscribe (RFC 8058), whose signed link is its proof and which mail providers post
without cookies. The session lives in Flask's signed cookie and carries a fingerprint of the
password, so setting a new password logs everybody out.

Failed logins are counted per client address in memory (``LoginLimiter``): enough against
guessing over a network, and a restart forgetting them costs an attacker a restart of ours.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from crawler.web import password

CSRF_FIELD = "csrf_token"
LOGIN = "auth.login"
PUBLIC_ENDPOINTS = frozenset({"static", LOGIN, "public.confirm", "public.unsubscribe"})
CSRF_EXEMPT = frozenset({"public.unsubscribe"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FAILURES = 5
FAILURE_WINDOW = 300.0  # seconds

bp = Blueprint("auth", __name__)


class LoginLimiter:
    """At most ``limit`` failed logins per client address in ``window`` seconds; thread-safe,
    since waitress answers from several threads."""

    def __init__(
        self,
        limit: int = MAX_FAILURES,
        window: float = FAILURE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.get(client, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def wait(self, client: str) -> int:
        """Seconds until ``client`` may try again; 0 when it may now."""
        with self._lock:
            now = self.clock()
            failures = self._recent(client, now)
            if len(failures) < self.limit:
                return 0
            return max(1, int(failures[0] + self.window - now + 0.999))

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            if len(self._failures) > 10_000:  # many addresses: forget the quiet ones
                for key in [k for k, v in self._failures.items() if not self._recent(k, now)]:
                    del self._failures[key]
            failures = self._recent(client, now)
            failures.append(now)
            self._failures[client] = failures

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


def init_app(app: Flask) -> None:
    app.extensions["utlys_login_limiter"] = LoginLimiter()
    app.register_blueprint(bp)
    app.before_request(guard)
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=CSRF_FIELD, logged_in=logged_in)


def _fingerprint() -> str | None:
    config = current_app.config
    return password.fingerprint(config["UTLYS_DB"], config["UTLYS_SECRET"])


def logged_in() -> bool:
    given, expected = session.get("auth"), _fingerprint()
    return bool(given and expected) and hmac.compare_digest(str(given), expected)


def csrf_token() -> str:
    """This session's CSRF token, made at first use; every form carries it (``csrf()`` in
    _forms.html)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Refuse a POST whose form does not carry this session's token (400, nothing changes)."""
    expected = session.get("csrf")
    given = request.form.get(CSRF_FIELD, "")
    if not expected or not given or not hmac.compare_digest(str(expected), given):
        abort(400, description="csrf")


def guard() -> Response | None:
    """Before every view: a login for every page but the public ones (a GET is sent to the login
    page, anything else refused), then the CSRF token for every change."""
    endpoint = request.endpoint
    if endpoint is None:  # no such page or method: the 404 / 405 shows nothing
        return None
    if endpoint not in PUBLIC_ENDPOINTS and not logged_in():
        if request.method in SAFE_METHODS:
            wanted = request.full_path.rstrip("?")
            return redirect(url_for(LOGIN, nasta=wanted), code=303)
        abort(403, description="login")
    if request.method not in SAFE_METHODS and endpoint not in CSRF_EXEMPT:
        check_csrf()
    return None


def _local(target: str | None) -> str:
    """Where to go after logging in: a path of this app only, never another site."""
    target = (target or "").strip()
    parts = urlsplit(target)
    local = target.startswith("/") and not target.startswith("//") and "\\" not in target
    if not local or parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return url_for("calls.overview")
    return target


def _login_page(error: str | None, status: int, **headers: str) -> tuple[str, int, dict]:
    page = render_template("login.html", error=error, nasta=_local(request.values.get("nasta")))
    return page, status, headers


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    target = _local(request.values.get("nasta"))
    if request.method == "GET":
        return redirect(target, code=303) if logged_in() else _login_page(None, 200)
    limiter: LoginLimiter = current_app.extensions["utlys_login_limiter"]
    client = request.remote_addr or "okänd"
    wait = limiter.wait(client)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        text = (
            f"För många misslyckade inloggningar. Vänta {minutes} "
            f"{'minut' if minutes == 1 else 'minuter'} och försök igen."
        )
        return _login_page(text, 429, **{"Retry-After": str(wait)})
    if not password.check_password(
        current_app.config["UTLYS_DB"], request.form.get("losenord", "")
    ):
        limiter.failed(client)
        return _login_page("Fel lösenord.", 401)
    limiter.succeeded(client)
    session.clear()  # a new session: nothing chosen before the login survives it
    session["auth"] = _fingerprint()
    session["csrf"] = secrets.token_urlsafe(32)
    return redirect(target, code=303)


@bp.post("/logga-ut")
def logout() -> Response:
    session.clear()
    flash("Du är utloggad.", "ok")
    return redirect(url_for(LOGIN), code=303)
