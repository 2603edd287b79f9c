"""The bundled sample study: a project built from ``transcripts_sample/`` with its reference indexings.

The folder ships inside the package (``toolkit._data.sample``), so an installed toolkit builds the sample too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import project as proj
from ._data import folder
from .store import remove_project

SAMPLE_DIR = folder("sample")
CODINGS = (("reference_indexing.csv", "reference"), ("second_coder_indexing.csv", "second"))
STEPS = ("adding the shipped frameworks", "importing transcripts", "importing the reference indexing",
         "importing the second coder's indexing")


def build_sample(path: str | Path, *, sample_dir: str | Path = SAMPLE_DIR, progress=None,
                 step: Callable[[int, int, str], None] | None = None):
    """Create the sample project at ``path``: shipped frameworks, transcripts, attributes and both indexings.

    ``step(i, n, what)`` is called before each of the ``n`` steps (``STEPS``) and ``step(n, n, "done")`` at the end;
    ``progress(done, total, ...)`` follows the transcripts being read. A failure removes the half-built file.
    """
    sample_dir = Path(sample_dir)
    step = step or (lambda *_: None)
    n = len(STEPS)
    step(0, n, STEPS[0])
    project = proj.create(path, name="Sample study: drivers of low-value imaging")
    try:
        step(1, n, STEPS[1])
        proj.import_transcripts(project, sample_dir, attributes=sample_dir / "participants.csv", progress=progress)
        for i, (fname, coder) in enumerate(CODINGS, start=2):
            step(i, n, STEPS[i])
            if (sample_dir / fname).is_file():
                proj.import_codings(project, sample_dir / fname, framework="lvi84", coder=coder)
        step(n, n, "done")
    except BaseException:
        project.close()
        remove_project(path)
        raise
    return project
