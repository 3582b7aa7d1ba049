"""Unsubscribe links and the one secret they are signed with (the web app derives its session
key from it too).

The secret comes from the environment (``UTLYS_UNSUBSCRIBE_SECRET``) or is generated at first use
and kept in a file beside the database (``utlys.db.secret``, readable by its owner only), so the
digests and ``utlys web`` on the same database agree without setup and the secret never lands in
the repository. Only the standard library here: building a digest needs no Flask.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode

SECRET_ENV = "UTLYS_UNSUBSCRIBE_SECRET"
NEWSLETTER = "*"  # the newsletter list, as digest.subscribers names it
NEWSLETTER_NAMES = ("*", "nyhetsbrev", "newsletter")


def secret_path(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".secret")


def load_secret(db_path: str | Path) -> str:
    """The secret from the environment, else from the file beside the database, created (once,
    even with two processes starting together) when it is missing."""
    from_env = os.environ.get(SECRET_ENV, "").strip()
    if from_env:
        return from_env
    path = secret_path(db_path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    for _ in range(50):  # another process may be writing it this very moment
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError(f"{path}: the secret file is empty; delete it to make a new one")


def db_secret(db_file: str | Path | None) -> str | None:
    """The secret for links in mail built from this database: the environment's, else the file
    beside it (created at first use); None for a database without a file (nothing to keep a
    secret beside, and a link signed with a throwaway secret would never verify)."""
    if os.environ.get(SECRET_ENV, "").strip():
        return os.environ[SECRET_ENV].strip()
    return load_secret(db_file) if db_file else None


def derived_key(secret: str, purpose: str) -> bytes:
    """A key for one purpose (the session cookie), so the raw secret signs only unsubscribes."""
    return hmac.new(secret.encode(), f"utlys-web:{purpose}".encode(), hashlib.sha256).digest()


def list_key(list_name: str) -> str:
    """The list an unsubscribe token is for: a municipality's name or ``*`` (the newsletter)."""
    name = " ".join((list_name or "").split())
    return NEWSLETTER if name.casefold() in NEWSLETTER_NAMES else name


def unsubscribe_token(address: str, list_name: str, secret: str) -> str:
    """An HMAC of (list, address), in lower case; the same text digest.subscribers signs."""
    message = f"{list_key(list_name).lower()}\n{address.strip().lower()}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def verify_unsubscribe_token(address: str, list_name: str, token: str, secret: str) -> bool:
    if not address or not list_name or not token:
        return False
    expected = unsubscribe_token(address, list_name, secret)
    return hmac.compare_digest(expected, token.strip().lower())


def unsubscribe_url(base_url: str, address: str, list_name: str, secret: str) -> str:
    """The one-click unsubscribe link of one recipient of one list, for the List-Unsubscribe
    header (with ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``) and the mail's footer:
    ``<base_url>/avregistrera?lista=...&adress=...&token=...``."""
    query = urlencode(
        {
            "lista": list_key(list_name),
            "adress": address.strip().lower(),
            "token": unsubscribe_token(address, list_name, secret),
        }
    )
    return f"{base_url.rstrip('/')}/avregistrera?{query}"
