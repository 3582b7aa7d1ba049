"""The coordinator's password: from the environment (``UTLYS_WEB_PASSWORD``), else a werkzeug
hash written by ``utlys web set-password`` into a file beside the database (``utlys.db.webpass``,
readable by its owner only, like ``utlys.db.secret``).

The credential is read again at every login and every request, so a new password set while the
app runs takes effect at once and ends every session signed for the old one (the session carries
a fingerprint of the credential, see ``fingerprint``). Without a password the app refuses to be
served: there is no default password to forget to change.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

PASSWORD_ENV = "UTLYS_WEB_PASSWORD"
MIN_LENGTH = 8
# The methods werkzeug writes; anything else in the file is a mistake, not a hash to trust.
HASH_PREFIXES = ("scrypt:", "pbkdf2:")


class PasswordError(ValueError):
    """No usable password: one line saying how to set one (a ValueError, so the CLI prints it
    as a one-line error)."""


def password_path(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".webpass")


def how_to_set(db_path: str | Path) -> str:
    return f"set {PASSWORD_ENV} or run `utlys web set-password --db {db_path}`"


def _from_env() -> str | None:
    value = os.environ.get(PASSWORD_ENV)
    return value if value and value.strip() else None


def _stored_hash(db_path: str | Path) -> str | None:
    path = password_path(db_path)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise PasswordError(f"{path}: cannot be read ({exc}); {how_to_set(db_path)}") from None
    if not text.startswith(HASH_PREFIXES):
        raise PasswordError(f"{path}: not a password hash; {how_to_set(db_path)}")
    return text


def require_password(db_path: str | Path) -> str:
    """Where the password comes from ("environment" or the file), or PasswordError: the check
    ``utlys web`` makes before it serves anything."""
    from_env = _from_env()
    if from_env is not None:
        if len(from_env) < MIN_LENGTH:
            raise PasswordError(f"{PASSWORD_ENV} is shorter than {MIN_LENGTH} characters")
        return "environment"
    if _stored_hash(db_path) is None:
        raise PasswordError(f"no password for the web app: {how_to_set(db_path)}")
    return str(password_path(db_path))


def check_password(db_path: str | Path, given: str) -> bool:
    """True when ``given`` is the coordinator's password; False also when none is set (or the
    file is broken), so a misconfigured app lets nobody in."""
    if not given:
        return False
    from_env = _from_env()
    if from_env is not None:
        # Digests first, so the comparison takes as long whatever the lengths.
        return hmac.compare_digest(
            hashlib.sha256(given.encode()).digest(), hashlib.sha256(from_env.encode()).digest()
        )
    try:
        stored = _stored_hash(db_path)
    except PasswordError:
        return False
    return stored is not None and check_password_hash(stored, given)


def fingerprint(db_path: str | Path, secret: str) -> str | None:
    """A keyed digest of the current credential for the session to carry: when the password
    changes, every session made with the old one stops being valid. None without a password."""
    credential = _from_env()
    if credential is None:
        try:
            credential = _stored_hash(db_path)
        except PasswordError:
            return None
    if credential is None:
        return None
    message = f"utlys-web:login\n{credential}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def set_password(db_path: str | Path, password: str) -> Path:
    """Write the hash of a new password beside the database, owner-only, replacing any old one
    in one step (a reader never sees half a file)."""
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"the password must have at least {MIN_LENGTH} characters")
    if not password.strip():
        raise PasswordError("the password cannot be only spaces")
    path = password_path(db_path)
    temporary = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(generate_password_hash(password) + "\n")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
