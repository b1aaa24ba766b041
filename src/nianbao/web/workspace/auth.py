"""Local accounts of the workspace: passwords hashed with Argon2id (argon2-cffi), sessions kept in
the database behind a signed cookie, and the CSRF token every form POST must carry.

A session cookie is ``TOKEN.SIGNATURE``: a random token and its HMAC-SHA256 under a key kept in
the database (made on first use, so every server process and a restarted one agree); the table
holds only the token's SHA-256, so a copy of the database signs nobody in. A session has its own
CSRF token. A browser with no session (the login form, or the workspace served on loopback before
any account exists) gets a CSRF token in a cookie of its own, which the form must repeat."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from nianbao.errors import E_REQUEST, NianbaoError
from nianbao.web.workspace import db

if TYPE_CHECKING:
    from argon2 import PasswordHasher

SESSION_COOKIE = "nianbao_session"
CSRF_COOKIE = "nianbao_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_DAYS = 7
MIN_PASSWORD = 8
LOCAL_USER = "本机用户"  # who acts on loopback while no account exists
_NAME = re.compile(r"^[^\s\x00-\x1f\x7f/\\]{1,64}$")


@dataclass(frozen=True)
class User:
    id: int
    name: str


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def now() -> datetime:
    return datetime.now(UTC)


def _aware(t: datetime) -> datetime:
    """SQLite gives back naive datetimes: they were stored in UTC."""
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name).strip()
    if not _NAME.match(name):
        raise NianbaoError(E_REQUEST, "用户名须为 1–64 个字符，不含空白、斜杠或控制字符")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise NianbaoError(E_REQUEST, f"密码至少 {MIN_PASSWORD} 个字符")
    if len(password) > 1024:
        raise NianbaoError(E_REQUEST, "密码过长（至多 1024 个字符）")
    return password


def add_user(engine: Engine, name: str, password: str) -> User:
    name, digest = check_name(name), hash_password(check_password(password))
    try:
        with engine.begin() as conn:
            found = conn.execute(select(db.users.c.id, db.users.c.active).where(db.users.c.name == name)).first()
            if found is not None and found.active:
                raise NianbaoError(E_REQUEST, f"用户“{name}”已存在")
            if found is not None:  # removed before: the account comes back with the new password
                conn.execute(
                    update(db.users).where(db.users.c.id == found.id).values(password_hash=digest, active=True)
                )
                return User(int(found.id), name)
            new = conn.execute(
                insert(db.users).values(name=name, password_hash=digest, active=True, created_at=now())
            ).inserted_primary_key
            assert new is not None
            return User(int(new[0]), name)
    except IntegrityError:
        raise NianbaoError(E_REQUEST, f"用户“{name}”已存在") from None


def _active_user(conn: Connection, name: str) -> int:
    """The id of the active account ``name``, or E_REQUEST naming it."""
    user_id = conn.execute(select(db.users.c.id).where(db.users.c.name == name, db.users.c.active)).scalar()
    if user_id is None:
        raise NianbaoError(E_REQUEST, f"没有用户“{name}”")
    return int(user_id)


def set_password(engine: Engine, name: str, password: str) -> None:
    """A new password; the user's sessions end (every browser signs in again)."""
    digest = hash_password(check_password(password))
    with engine.begin() as conn:
        user_id = _active_user(conn, name)
        conn.execute(update(db.users).where(db.users.c.id == user_id).values(password_hash=digest))
        conn.execute(delete(db.sessions).where(db.sessions.c.user_id == user_id))


def remove_user(engine: Engine, name: str) -> None:
    """The account can no longer sign in (its name stays in the audit trail)."""
    with engine.begin() as conn:
        user_id = _active_user(conn, name)
        conn.execute(update(db.users).where(db.users.c.id == user_id).values(active=False))
        conn.execute(delete(db.sessions).where(db.sessions.c.user_id == user_id))


def list_users(engine: Engine) -> list[tuple[str, datetime]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(db.users.c.name, db.users.c.created_at).where(db.users.c.active).order_by(db.users.c.name)
        )
        return [(r.name, _aware(r.created_at)) for r in rows]


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(db.users).where(db.users.c.active)).scalar_one())


# a hash to verify against when the name is unknown, so that a wrong name costs as much as a wrong password
_DUMMY: list[str] = []


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    from argon2.exceptions import InvalidHashError, VerificationError

    name = unicodedata.normalize("NFC", name).strip()
    with engine.connect() as conn:
        row = conn.execute(
            select(db.users.c.id, db.users.c.password_hash).where(db.users.c.name == name, db.users.c.active)
        ).first()
    hasher = _hasher()
    if row is None:
        if not _DUMMY:
            _DUMMY.append(hash_password(secrets.token_urlsafe(12)))
        with contextlib.suppress(VerificationError):
            hasher.verify(_DUMMY[0], password)
        return None
    try:
        hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(row.password_hash):
        with engine.begin() as conn:
            conn.execute(update(db.users).where(db.users.c.id == row.id).values(password_hash=hash_password(password)))
    return User(int(row.id), name)


# ---- sessions ----------------------------------------------------------------------------------


def _secret(engine: Engine) -> bytes:
    with engine.begin() as conn:
        found = conn.execute(select(db.settings.c.value).where(db.settings.c.key == "session_key")).scalar()
        if found is None:
            try:
                with conn.begin_nested():
                    conn.execute(insert(db.settings).values(key="session_key", value=secrets.token_hex(32)))
            except IntegrityError:  # another process made it first
                pass
            found = conn.execute(select(db.settings.c.value).where(db.settings.c.key == "session_key")).scalar_one()
    return bytes.fromhex(str(found))


def _sign(key: bytes, token: str) -> str:
    mac = hmac.new(key, token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Sign in, look up and end sessions; the signing key read once per process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._key: bytes | None = None

    def key(self) -> bytes:
        if self._key is None:
            self._key = _secret(self.engine)
        return self._key

    def start(self, user: User) -> tuple[str, Session]:
        """A new session: the cookie's value and the session."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        at = now()
        with self.engine.begin() as conn:
            conn.execute(delete(db.sessions).where(db.sessions.c.expires_at < at))
            conn.execute(
                insert(db.sessions).values(
                    id=_digest(token),
                    user_id=user.id,
                    csrf=csrf,
                    created_at=at,
                    expires_at=at + timedelta(days=SESSION_DAYS),
                )
            )
        return f"{token}.{_sign(self.key(), token)}", Session(user, csrf)

    def find(self, cookie: str | None) -> Session | None:
        """The session of a cookie whose signature holds and that has not expired."""
        if not cookie or cookie.count(".") != 1 or len(cookie) > 200:
            return None
        token, signature = cookie.split(".")
        if not hmac.compare_digest(signature, _sign(self.key(), token)):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(db.sessions.c.csrf, db.sessions.c.expires_at, db.users.c.id, db.users.c.name)
                .join(db.users, db.users.c.id == db.sessions.c.user_id)
                .where(db.sessions.c.id == _digest(token), db.users.c.active)
            ).first()
        if row is None or _aware(row.expires_at) < now():
            return None
        return Session(User(int(row.id), row.name), row.csrf)

    def end(self, cookie: str | None) -> None:
        if cookie and "." in cookie:
            with self.engine.begin() as conn:
                conn.execute(delete(db.sessions).where(db.sessions.c.id == _digest(cookie.split(".")[0])))


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(str(given).encode(), str(expected).encode())


def users_in(url: str) -> int:
    """How many accounts the database at ``url`` holds, without creating or upgrading it (0 when
    there is no database, or no workspace in it)."""
    from pathlib import Path

    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from nianbao.corpus.db import engine_url, make_engine

    u = make_url(engine_url(url))
    on_disk = u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:")
    if on_disk and not Path(str(u.database)).is_file():
        return 0
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table(db.users.name):
            return 0
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(db.users).where(db.users.c.active)).scalar_one())
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()
