"""Framework analysis of qualitative interviews (Ritchie & Spencer): familiarization, indexing, charting, mapping,
interpretation. Offline, open, and traceable to the words participants said.

    import toolkit
    project = toolkit.create("study.fa")                     # with the shipped frameworks
    toolkit.project.import_transcripts(project, "transcripts/", attributes="participants.csv")

The five stages, one package each: ``toolkit.familiarize`` (1), ``toolkit.indexing`` (2, with agreement and
evaluation), ``toolkit.charting`` (3), ``toolkit.mapping`` (4), ``toolkit.interpret`` (5). Writers (Word, Excel, CSV,
SVG/PNG, the report): ``toolkit.export``; REFI-QDA in and out: ``toolkit.exchange``; the store: ``toolkit.store``.
"""

from .errors import InputError, NotFoundError, ProjectError, ToolkitError
from .project import create
from .store import Project, open_project

__version__ = "0.1.0"
__all__ = ["create", "open_project", "Project", "ToolkitError", "InputError", "NotFoundError", "ProjectError"]
