"""The bundled sample study: a project built from ``transcripts_sample/`` with its reference indexings.

The folder ships inside the package (``toolkit._data.sample``), so an installed toolkit builds the sample too.
"""

from __future__ import annotations

from pathlib import Path

from . import project as proj
from ._data import folder

SAMPLE_DIR = folder("sample")
CODINGS = (("reference_indexing.csv", "reference"), ("second_coder_indexing.csv", "second"))


def build_sample(path: str | Path, *, sample_dir: str | Path = SAMPLE_DIR, progress=None):
    """Create the sample project at ``path``: shipped frameworks, transcripts, attributes and both indexings."""
    sample_dir = Path(sample_dir)
    project = proj.create(path, name="Sample study: drivers of low-value imaging")
    try:
        proj.import_transcripts(project, sample_dir, attributes=sample_dir / "participants.csv", progress=progress)
        for fname, coder in CODINGS:
            if (sample_dir / fname).is_file():
                proj.import_codings(project, sample_dir / fname, framework="lvi84", coder=coder)
    except BaseException:
        project.close()
        Path(path).unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return project
