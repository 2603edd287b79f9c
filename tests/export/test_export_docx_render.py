"""The Word matrix people can read: the whole 84-code framework of the sample study, rendered by LibreOffice.

Done when (issue 13): reference coder, drafts, no appendix -> no table wider than 9 columns, at most 45 pages, and no
word broken across lines in a cell (the columns are wide enough for the words in them).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.shared import Emu

from toolkit import charting as ch
from toolkit.export import export_docx


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(_soffice() is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice and poppler-utils")
def test_whole_framework_matrix_renders_readably(sample_project, embedder, tmp_path):
    p = sample_project
    rep = ch.draft_summaries(p, "lvi84", embedder, coders=["reference"])
    assert rep.drafted > 300
    m = ch.build_matrix(p, "lvi84", coders=["reference"])
    assert len(m.participants) == 12 and len(m.columns) == 84
    drafts = [c.summary for c in m.cells.values() if c.summary]
    assert max(len(t.split()) for t in drafts) <= 42  # extracts of about 40 words at most
    path = export_docx(m, tmp_path / "lvi84.docx", quotes_appendix=False)
    doc = Document(str(path))
    assert "Evidence: codings of reference (chosen)" in "\n".join(x.text for x in doc.paragraphs[:10])
    grids = [t._tbl.tblGrid.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol")
             for t in doc.tables]
    assert max(len(g) for g in grids) <= 9
    code_widths = [Emu(int(g[-1].get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w")) * 635).cm
                   for g in grids]
    assert min(code_widths) >= 3.0  # about 30 characters of 7.5 pt text per line
    out = tmp_path / "pdf"
    proc = subprocess.run([_soffice(), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out), str(path)],
                          capture_output=True, text=True, timeout=300)
    pdf = out / "lvi84.pdf"
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages <= 45, pages
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    long_words = {w.strip(".,;:!?\u2026\"'()") for t in drafts for w in t.split() if len(w) >= 11}
    broken = [w for w in long_words if w.isalpha() and w not in flat]
    assert not broken, broken[:10]  # a word cut across lines ("departm-ent") would not be found whole
