"""Framework analysis of qualitative interviews (Ritchie & Spencer): familiarization, indexing, charting, mapping,
interpretation. Offline, open, and traceable to the words participants said.

    import toolkit
    project = toolkit.create("study.fa")                     # with the shipped frameworks
    toolkit.project.import_transcripts(project, "transcripts/", attributes="participants.csv")

Stages: ``toolkit.familiarize``, ``toolkit.indexing``, ``toolkit.agreement``, ``toolkit.charting``,
``toolkit.mapping``, ``toolkit.linkage``, ``toolkit.findings``, ``toolkit.drivers``, ``toolkit.interpret``;
exchange with other tools: ``toolkit.export`` (Word, Excel, CSV, REFI-QDA).
"""

from .errors import InputError, NotFoundError, ProjectError, ToolkitError
from .project import create
from .store import Project, open_project

__version__ = "0.1.0"
__all__ = ["create", "open_project", "Project", "ToolkitError", "InputError", "NotFoundError", "ProjectError"]
