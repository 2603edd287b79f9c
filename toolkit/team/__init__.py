"""The team server: accounts that log in (``accounts``) and blind double coding across people (``blind``).

Works on any project location; a team normally shares a PostgreSQL project (``postgresql://...``).
"""

from .accounts import (
    CAPABILITIES,
    ROLES,
    LoginError,
    LoginThrottled,
    User,
    add_user,
    authenticate,
    clear_throttle,
    get_user,
    login_delay,
    refresh,
    set_active,
    set_password,
    set_role,
    users,
)
from .blind import assign, assignments, mark_teaching, my_transcripts, reveal, teaching_transcripts, unassign

__all__ = ["CAPABILITIES", "ROLES", "LoginError", "LoginThrottled", "User", "add_user", "assign", "assignments",
           "authenticate", "clear_throttle", "get_user", "login_delay", "mark_teaching", "my_transcripts", "refresh",
           "reveal", "set_active", "set_password", "set_role", "teaching_transcripts", "unassign", "users"]
