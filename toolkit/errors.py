"""Typed errors. Every error about user input names the file and the place in it."""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class InputError(ToolkitError):
    """Bad input: names the file and, where known, the place (line, row, element).

    ``InputError("participants.csv", "duplicate participant id 'P03'", place="row 7")``
    renders as ``participants.csv, row 7: duplicate participant id 'P03'``.
    """

    def __init__(self, file: str | None, message: str, place: str | None = None):
        self.file = str(file) if file is not None else None
        self.place = place
        self.message = message
        where = ", ".join(p for p in (self.file, place) if p)
        super().__init__(f"{where}: {message}" if where else message)


class NotFoundError(ToolkitError):
    """A named thing (framework, code, coder, participant, transcript) does not exist in the project."""


class ProjectError(ToolkitError):
    """The project file cannot be opened or is not a toolkit project."""


class ConflictError(ToolkitError):
    """Someone else changed the same thing since it was read (e.g. a chart summary saved by another coder):
    nothing was overwritten; reload and apply the change again."""


class PermissionDenied(ToolkitError):
    """The logged-in user's role (or assignment) does not allow this action."""
