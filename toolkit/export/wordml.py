"""WordprocessingML building blocks appended as lxml elements (fast for big tables), and safe writing of files.

python-docx's own ``add_run`` handles text one character at a time and is too slow for a 27 x 84 chart with its
appendix, so the chart export appends paragraphs, runs, tables, bookmarks and fields directly.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx.shared import Emu
from lxml.etree import SubElement

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
GREY, LINK = "666666", "1F4E99"
_BAD_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """Text safe for XML (Word and Excel refuse control characters)."""
    return _BAD_XML.sub("", "" if text is None else str(text))


def writable(path: str | Path) -> Path:
    """``path`` as a Path, after checking its folder exists (``InputError`` otherwise)."""
    from ..errors import InputError

    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(path, f"cannot write here: no folder {str(path.parent)!r}")
    return path


def save(obj, path: Path) -> None:
    """``obj.save(path)`` through a temporary file renamed into place (nothing half-written is left on failure), with
    OS errors (read-only folder, file open in another program) as ``InputError``."""
    from ..safeio import save_atomic

    save_atomic(obj, path)


def twips(length) -> str:
    return str(int(Emu(length).twips))


# --- WordprocessingML building blocks -----------------------------------------------------------------------------


def el(parent, tag: str, **attrs):
    node = SubElement(parent, W + tag)
    for k, v in attrs.items():
        node.set(W + k, str(v))
    return node


def run(parent, text: str, *, size: float | None = None, bold=False, italic=False, color: str | None = None,
         underline=False):
    """Append a run with ``text`` (line breaks kept) to the paragraph element ``parent``."""
    r = el(parent, "r")
    if size or bold or italic or color or underline:
        rpr = el(r, "rPr")
        if bold:
            el(rpr, "b")
        if italic:
            el(rpr, "i")
        if color:
            el(rpr, "color", val=color)
        if size:
            el(rpr, "sz", val=int(round(size * 2)))
        if underline:
            el(rpr, "u", val="single")
    for i, line in enumerate(clean(text).split("\n")):
        if i:
            el(r, "br")
        t = el(r, "t")
        t.text = line
        t.set(XML_SPACE, "preserve")
    return r


def para(parent, *, style: str | None = None, before: float | None = None, after: float | None = None,
       indent: float = 0, keep_next: bool = False, page_break: bool = False, anchor=None):
    """A paragraph element appended to ``parent`` (or inserted before ``anchor``); spacing in points, indent in cm."""
    if anchor is not None:
        p = anchor.makeelement(W + "p", {})
        anchor.addprevious(p)
    else:
        p = el(parent, "p")
    ppr = el(p, "pPr")
    if style:
        el(ppr, "pStyle", val=style)
    if keep_next:
        el(ppr, "keepNext")
    if page_break:
        el(ppr, "pageBreakBefore")
    if before is not None or after is not None:
        el(ppr, "spacing", before=int((before or 0) * 20), after=int((after or 0) * 20))
    if indent:
        el(ppr, "ind", left=int(indent / 2.54 * 1440))
    return p


def bookmark(p, name: str, bid: int) -> None:
    """Bookmark the paragraph element ``p`` as ``name``."""
    p.find(W + "pPr").addnext(p.makeelement(W + "bookmarkStart", {W + "id": str(bid), W + "name": name}))
    el(p, "bookmarkEnd", id=bid)


def link(p, anchor: str, text: str, size: float) -> None:
    """An internal hyperlink to bookmark ``anchor``."""
    run(el(p, "hyperlink", anchor=anchor), text, size=size, color=LINK, underline=True)


def page_field(p, size: float) -> None:
    fld = el(p, "fldSimple", instr="PAGE")
    run(fld, "1", size=size, color=GREY)


def pageref_field(p, anchor: str, size: float) -> None:
    """The page number of bookmark ``anchor`` (Word and LibreOffice compute it when laying out)."""
    fld = el(p, "fldSimple", instr=f"PAGEREF {anchor} \\h")
    run(fld, "?", size=size)


def right_tab(p, position_cm: float, leader: str = "dot") -> None:
    """A right-aligned tab stop (with a dotted leader) at ``position_cm`` in paragraph ``p``."""
    tabs = el(p.find(W + "pPr"), "tabs")
    el(tabs, "tab", val="right", leader=leader, pos=int(position_cm / 2.54 * 1440))


class Body:
    """Appends block elements to the document body, before its final section properties."""

    def __init__(self, doc):
        self.anchor = doc.element.body[-1]

    def p(self, text: str = "", *, style: str | None = None, **kw):
        p = para(None, style=style, anchor=self.anchor, **kw)
        if text:
            run(p, text)
        return p

    def tbl(self):
        tbl = self.anchor.makeelement(W + "tbl", {})
        self.anchor.addprevious(tbl)
        return tbl
