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
    get_user,
    login_delay,
    set_active,
    set_password,
    set_role,
    users,
)
from .blind import (
    accept,
    add_code,
    assign,
    assignments,
    chart_coders,
    codings,
    my_transcripts,
    open_suggestions,
    reject,
    remove_code,
    reveal,
    review_view,
    save_summary,
    unassign,
    visible_coders,
)

__all__ = ["CAPABILITIES", "ROLES", "LoginError", "LoginThrottled", "User", "accept", "add_code", "add_user",
           "assign", "assignments", "authenticate", "chart_coders", "codings", "get_user", "login_delay", "my_transcripts",
           "open_suggestions", "reject", "remove_code", "reveal", "review_view", "save_summary", "set_active", "set_password",
           "set_role", "unassign", "users", "visible_coders"]
