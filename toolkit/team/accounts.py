"""Accounts of the team server: who may log in, with which role, and how a login is checked.

Passwords are hashed with argon2id (``argon2-cffi``); there is no default password: the first lead account is made
on the command line (``python -m toolkit user add URL NAME --role lead``). Failed logins are slowed down per account:
after ``n`` failures in a row, the next try is refused unchecked until ``2**(n-1)`` seconds (at most
``MAX_DELAY``) have passed since the last failure; the count lives in the project, so it holds across app servers
and restarts. A success resets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import InputError, NotFoundError, PermissionDenied, ToolkitError
from ..store import Action, Project, set_event
from ..store import team as tdb


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)

ROLES = ("lead", "coder", "student")
#: what each role may do (the app shows a page only when the role has its capability)
CAPABILITIES = {
    "lead": frozenset({"project", "familiarize", "frameworks", "index", "chart", "map", "agreement", "consensus",
                       "assign", "reveal", "users", "teach", "export"}),
    "coder": frozenset({"familiarize", "index", "chart"}),
    "student": frozenset({"teach"}),
}
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
    name: str
    role: str

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
        if tdb.account(s, name) is not None:
            raise InputError(None, f"an account named {name!r} already exists")
        tdb.add_account(s, name=name, role=role, password_hash=digest)
    return User(name, role)


def set_password(project: Project, name: str, password: str, *, actor: str | None = None) -> None:
    digest = _hasher.hash(_check_password(password))
    with project.transaction(Action.ACCOUNT_PASSWORD, actor=actor, payload={"name": name}) as s:
        tdb.update_account(s, name, password_hash=digest, failed_logins=0, last_failed_at=None)


def set_role(project: Project, name: str, role: str, *, actor: str | None = None) -> None:
    with project.transaction(Action.ACCOUNT_ROLE, actor=actor, payload={"name": name, "role": role}) as s:
        tdb.update_account(s, name, role=_check_role(role))


def set_active(project: Project, name: str, active: bool, *, actor: str | None = None) -> None:
    with project.transaction(Action.ACCOUNT_ACTIVE, actor=actor, payload={"name": name, "active": active}) as s:
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
    return User(a["name"], a["role"])


def authenticate(project: Project, name: str, password: str, *, now: datetime | None = None) -> User:
    """The user, if ``password`` is right; else ``LoginError`` (or ``LoginThrottled`` while the account must wait).

    The failure count is updated in the same transaction that read it (the row is locked), so parallel guesses
    are counted one by one.
    """
    now = now or utcnow()
    outcome: User | LoginError
    with project.transaction() as s:
        row = tdb.account_for_update(s, (name or "").strip())
        if row is None or not row.active:
            _verify(_DUMMY_HASH, password or "")  # same work as a real check: no hint which names exist
            outcome = LoginError("wrong name or password")
        else:
            last = row.last_failed_at.replace(tzinfo=None) if row.last_failed_at else None
            ready = last + timedelta(seconds=login_delay(row.failed_logins)) if last else None
            if ready is not None and now.replace(tzinfo=None) < ready:
                outcome = LoginThrottled((ready - now.replace(tzinfo=None)).total_seconds())
            elif _verify(row.password_hash, password or ""):
                if _hasher.check_needs_rehash(row.password_hash):
                    row.password_hash = _hasher.hash(password)
                tdb.record_login(s, row, ok=True, at=now)
                outcome = User(row.name, row.role)
            else:
                tdb.record_login(s, row, ok=False, at=now)
                outcome = LoginError("wrong name or password")
        set_event(s, Action.ACCOUNT_LOGIN if isinstance(outcome, User) else Action.ACCOUNT_LOGIN_FAILED,
                  actor=(name or "")[:64], payload={"throttled": isinstance(outcome, LoginThrottled)})
    if isinstance(outcome, LoginError):
        raise outcome
    return outcome


def _verify(digest: str, password: str) -> bool:
    try:
        return _hasher.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False
