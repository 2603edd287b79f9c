"""Word (.docx) transcripts: paragraphs one per line, bold speaker runs and tables of turns become labels."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter

from toolkit.errors import InputError
from toolkit.limits import check_zip

from .speakers import is_known_label, name_shape_ok, norm
from .turns import _TS

_HEADER_WORDS = frozenset(
    {"speaker", "name", "navn", "taler", "time", "tid", "timestamp", "tidspunkt", "text", "tekst", "transcript",
     "utterance", "ytring", "transkripsjon", "who", "hvem", "said", "sagt", "content", "innhold", "start",
     "quote", "sitat", "tale", "dialogue", "dialog", "role", "rolle", "timecode", "tidskode", "tidsstempel"}
)
_TIME_CELL = re.compile(rf"^\[?\(?({_TS})\)?\]?$")


def _open(data: bytes, file):
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as e:  # pragma: no cover - python-docx is a dependency
        raise InputError(file, f"python-docx is needed to read .docx files ({e})") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(file, "not a valid .docx (zip) file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_zip(file, zf, len(data))
        return docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(file, f"not a valid .docx (zip) file: {e}") from None
    except Exception as e:  # lxml errors in a damaged document part
        raise InputError(file, f"not a valid .docx (zip) file: cannot read the document ({e})") from None


def _bold_prefix(paragraph) -> tuple[str, str]:
    """Split a paragraph into (leading bold text, the rest)."""
    bold = []
    rest = []
    in_bold = True
    for run in paragraph.runs:
        t = run.text
        if in_bold and (run.bold or (run.bold is None and run.style is not None and run.style.font.bold)):
            bold.append(t)
            continue
        if in_bold and not t.strip() and not bold:
            bold.append(t)
            continue
        in_bold = False
        rest.append(t)
    if not "".join(bold).strip():
        return "", paragraph.text
    # Text outside runs (hyperlinks etc.) is kept by using paragraph.text for the rest when runs differ.
    full = paragraph.text
    b = "".join(bold)
    if not full.startswith(b):
        return "", full
    return b, full[len(b):]


def _label_of_bold(bold: str) -> tuple[str, bool] | None:
    """A bold prefix that can be a speaker label: (name, had_colon)."""
    s = bold.strip()
    had_colon = s.endswith(":")
    name = s.rstrip(":").strip()
    m = re.match(rf"^(?:\[({_TS})\]|\(({_TS})\)|({_TS}))?\s*(.+?)\s*(?:\[({_TS})\])?$", name)
    core = m.group(4) if m else name
    if not core or ":" in core or not name_shape_ok(core, known=is_known_label(core)):
        return None
    return name, had_colon


def _cell_text(cell) -> str:
    return " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())


def _unique_cells(row) -> list:
    cells = []
    for c in row.cells:  # merged cells repeat
        if not cells or c._tc is not cells[-1]._tc:
            cells.append(c)
    return cells


def _table_lines(table) -> list[tuple[str, bool]] | None:
    """Rows of a table of turns as ``(line, is_label)``: ``Speaker: text`` (``[time] Speaker: text`` with a
    time column); None when the table is not 2 or 3 columns wide."""
    rows = [[_cell_text(c) for c in _unique_cells(r)] for r in table.rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    if width not in (2, 3):
        return None
    header = all(norm(c) in _HEADER_WORDS or not c for c in rows[0])
    if header:
        rows = rows[1:]
    col = 1 if width == 3 else 0
    speakers = [norm(r[col].rstrip(":")) for r in rows if len(r) > col and r[col].strip()]
    if not header:
        # Without a header, a table of turns has recurring speakers that look like names.
        counts = Counter(speakers)
        shaped = all(name_shape_ok(r[col].rstrip(":"), known=is_known_label(r[col].rstrip(":")))
                     for r in rows if len(r) > col and r[col].strip())
        if not speakers or max(counts.values()) < 2 or not shaped:
            return None
    lines = []
    for r in rows:
        r = r + [""] * (width - len(r))
        if width == 3:
            time, speaker, text = r
            m = _TIME_CELL.match(time)
            prefix = f"[{m.group(1)}] " if m else (f"{time} " if time else "")
        else:
            (speaker, text), prefix = r, ""
        speaker = speaker.rstrip(":").strip()
        if speaker and text:
            lines.append((f"{prefix}{speaker}: {text}", True))
        elif text:
            lines.append((text, False))  # no speaker: continues the previous turn
        elif speaker:
            lines.append((f"{prefix}{speaker}:", True))
    return lines


def _iter_blocks(document):
    """Paragraphs and tables of the body in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document)
        elif tag == "tbl":
            yield Table(child, document)


def docx_to_text(data: bytes, file=None) -> tuple[str, list[int]]:
    """Render a .docx as stored text; return ``(text, label_lines)``.

    ``label_lines`` are the 1-based line numbers where a bold run or a table row gave a speaker label.
    """
    from docx.table import Table

    document = _open(data, file)
    items: list[tuple[str, object]] = []  # ("para", (bold, rest)) | ("table", lines) | ("raw", text)
    bold_counts: Counter[str] = Counter()
    for block in _iter_blocks(document):
        if isinstance(block, Table):
            lines = _table_lines(block)
            if lines is None:  # not a table of turns: one line per row, cells separated by tabs
                for row in block.rows:
                    cells = [_cell_text(c) for c in _unique_cells(row)]
                    if any(cells):
                        items.append(("raw", "\t".join(cells)))
            else:
                items.append(("table", lines))
            continue
        bold, rest = _bold_prefix(block)
        label = _label_of_bold(bold) if bold else None
        if label:
            bold_counts[norm(label[0])] += 1
        items.append(("para", (bold, rest, label)))

    out: list[str] = []
    label_lines: list[int] = []
    n_lines = 0  # lines so far; a paragraph with soft line breaks (w:br) is several lines

    def emit(line: str, is_label: bool = False) -> None:
        nonlocal n_lines
        out.append(line)
        if is_label:
            label_lines.append(n_lines + 1)
        n_lines += line.count("\n") + 1

    for kind, payload in items:
        if kind == "raw":
            emit(payload)
        elif kind == "table":
            for line, is_label in payload:
                emit(line, is_label)
        else:
            bold, rest, label = payload
            if label:
                name, had_colon = label
                rest_s = rest.lstrip()
                if rest_s.startswith(":"):
                    had_colon, rest_s = True, rest_s[1:].lstrip()
                strong = had_colon or bold_counts[norm(name)] >= 2 or is_known_label(name)
                if strong:
                    emit(f"{name}: {rest_s}" if rest_s else f"{name}:", True)
                    continue
            emit(bold + rest)
    return "\n".join(out), label_lines

