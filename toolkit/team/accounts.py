"""Accounts of the team server: who may log in, with which role, and how a login is checked.

Passwords are hashed with argon2id (``argon2-cffi``); there is no default password: the first lead account is made
on the command line (``python -m toolkit user add URL NAME --role lead``). Failed logins are slowed down per name and
client (known name or not): after ``n`` failures in a row, the next try is refused unchecked until ``2**(n-1)``
seconds (at most ``MAX_DELAY``) have passed since the last failure; the count lives in the project, so it holds
across app servers and restarts. A success resets it; ``user unlock`` clears it. Changing an account's password, role
or active flag bumps its credential version, which ends its open sessions (``refresh``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .. import access
from ..access import ACTIONS, OWNER
from ..errors import InputError, NotFoundError, PermissionDenied, ToolkitError
from ..store import Action, Project, set_event
from ..store import team as tdb


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)

ROLES = ("lead", "coder", "student")
#: what each role may do (the app shows a page only when the role has its capability): ``toolkit.access.ACTIONS``
CAPABILITIES = {role: frozenset(a for a, roles in ACTIONS.items() if role in roles) for role in (*ROLES, OWNER)}
MIN_PASSWORD = 8
MAX_DELAY = 15 * 60.0
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class LoginError(ToolkitError):
    """Wrong name or password (which of the two is not said)."""


class LoginThrottled(LoginError):
    """Too many failed logins for this account: wait ``wait`` seconds before the next try."""

    def __init__(self, wait: float):
        self.wait = float(wait)
        super().__init__(f"too many failed logins: try again in {int(wait + 0.999)} s")


@dataclass(frozen=True)
class User:
    """A logged-in user; ``version``: the account's credential version at login (``refresh`` compares it)."""

    name: str
    role: str
    version: int = 0

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES.get(self.role, ())

    def require(self, capability: str) -> None:
        if not self.can(capability):
            raise PermissionDenied(f"{self.name} ({self.role}) may not {capability}")


def login_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` failed logins in a row before the next one is checked."""
    return 0.0 if failures <= 0 else min(2.0 ** (failures - 1), MAX_DELAY)


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 64 or any(c.isspace() or not c.isprintable() for c in name):
        raise InputError(None, f"account name {name!r}: 1-64 printable characters without spaces")
    return name


def _check_password(password: str) -> str:
    if password is None or len(password) < MIN_PASSWORD:
        raise InputError(None, f"a password needs at least {MIN_PASSWORD} characters")
    return password


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(None, f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def add_user(project: Project, name: str, password: str, *, role: str = "coder", actor: str | None = None) -> User:
    """A new account (and its coder identity of the same name)."""
    name, role = _check_name(name), _check_role(role)
    digest = _hasher.hash(_check_password(password))
    with project.transaction(Action.ACCOUNT_ADD, actor=actor, payload={"name": name, "role": role}) as s:
        access.check(s, actor, "users")
        if tdb.add_account(s, name=name, role=role, password_hash=digest) is None:
            raise InputError(None, f"an account named {name!r} already exists")
    return User(name, role)


def set_password(project: Project, name: str, password: str, *, actor: str | None = None) -> None:
    digest = _hasher.hash(_check_password(password))
    with project.transaction(Action.ACCOUNT_PASSWORD, actor=actor, payload={"name": name}) as s:
        if actor != name:  # one's own password, or the lead's call
            access.check(s, actor, "users")
        tdb.update_account(s, name, password_hash=digest, failed_logins=0, last_failed_at=None)


def set_role(project: Project, name: str, role: str, *, actor: str | None = None) -> None:
    with project.transaction(Action.ACCOUNT_ROLE, actor=actor, payload={"name": name, "role": role}) as s:
        access.check(s, actor, "users")
        tdb.update_account(s, name, role=_check_role(role))


def set_active(project: Project, name: str, active: bool, *, actor: str | None = None) -> None:
    with project.transaction(Action.ACCOUNT_ACTIVE, actor=actor, payload={"name": name, "active": active}) as s:
        access.check(s, actor, "users")
        tdb.update_account(s, name, active=bool(active))


def users(project: Project) -> list[dict]:
    """Every account: name, role, active, failed logins, last login (never the hash)."""
    with project.read() as s:
        return tdb.accounts(s)


def get_user(project: Project, name: str) -> User:
    with project.read() as s:
        a = tdb.account(s, name)
    if a is None or not a["active"]:
        raise NotFoundError(f"no active account named {name!r}")
    return User(a["name"], a["role"], a["credential_version"])


def authenticate(project: Project, name: str, password: str, *, client: str = "-",
                 now: datetime | None = None) -> User:
    """The user, if ``password`` is right; else ``LoginError`` (or ``LoginThrottled`` while ``name`` must wait after
    failed logins from ``client``, e.g. the browser's address).

    Unknown and known names get the same answers and cost the same time: the slow-down is kept per name *and*
    client whether or not the name is an account, every try that is not throttled verifies one argon2 hash, and a
    throttled try verifies one too (unchecked, against a dummy hash). Failures from one client never make the name
    wait at another: a guesser cannot lock the lead out (``user unlock`` clears a name's slow-down everywhere). The
    count is updated in the transaction that read it (the row is locked), so parallel guesses are counted one by one.
    """
    now = (now or utcnow()).replace(tzinfo=None)
    name = (name or "").strip()[:64]
    client = (client or "-")[:80]
    outcome: User | LoginError
    with project.transaction() as s:
        th = tdb.throttle_for_update(s, name, client)
        last = th.last_failed_at.replace(tzinfo=None) if th.last_failed_at else None
        ready = last + timedelta(seconds=login_delay(th.failures)) if last else None
        row = tdb.account_for_update(s, name)
        if ready is not None and now < ready:
            _verify(_DUMMY_HASH, password or "")  # the same work as a check: a throttled answer reveals nothing
            outcome = LoginThrottled((ready - now).total_seconds())
        elif row is None or not row.active:
            _verify(_DUMMY_HASH, password or "")  # same work as a real check: no hint which names exist
            outcome = LoginError("wrong name or password")
        elif _verify(row.password_hash, password or ""):
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            tdb.record_login(s, row, ok=True, at=now)
            outcome = User(row.name, row.role, row.credential_version or 0)
        else:
            tdb.record_login(s, row, ok=False, at=now)
            outcome = LoginError("wrong name or password")
        if isinstance(outcome, User):
            th.failures, th.last_failed_at = 0, None
        elif not isinstance(outcome, LoginThrottled):
            th.failures, th.last_failed_at = (th.failures or 0) + 1, now
        set_event(s, Action.ACCOUNT_LOGIN if isinstance(outcome, User) else Action.ACCOUNT_LOGIN_FAILED,
                  actor=name, payload={"throttled": isinstance(outcome, LoginThrottled), "client": client})
    if isinstance(outcome, LoginError):
        raise outcome
    return outcome


def refresh(project: Project, user: User) -> User | None:
    """``user`` as the project says now, for a session that logged in earlier: None when the account is gone,
    disabled, or its password, role or active flag changed since (the credential version moved: log in again)."""
    with project.read() as s:
        a = tdb.account(s, user.name)
    if a is None or not a["active"] or a["credential_version"] != user.version:
        return None
    return User(a["name"], a["role"], a["credential_version"])


def clear_throttle(project: Project, name: str, *, actor: str | None = None) -> int:
    """Forget ``name``'s failed logins from every client (the lead's way back in); returns how many were waiting."""
    with project.transaction(Action.ACCOUNT_UNLOCK, actor=actor, payload={"name": name}) as s:
        access.check(s, actor, "users")
        if tdb.account(s, name) is not None:
            tdb.update_account(s, name, failed_logins=0, last_failed_at=None, bump=False)
        return tdb.clear_throttle(s, name)


def _verify(digest: str, password: str) -> bool:
    try:
        return _hasher.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False
