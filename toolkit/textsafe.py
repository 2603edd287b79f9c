"""Project text shown as text: the one escaping function for everything that reaches Markdown or HTML in the app.

Streamlit renders Markdown (with GFM autolinks, images, emphasis, code spans, ``$`` LaTeX and ``:color[...]`` /
``:material/...:`` directives) in ``st.markdown``, captions, alerts, labels and help tooltips, and HTML where a page
allows it. A transcript, attribute, code label or file name may hold any of that (``![b](http://host/x)`` would make
the browser fetch a remote image). ``md(text)`` writes ASCII punctuation (but ``.,?;%/'``) as numeric character
references: Markdown and HTML both show each as that character, and neither can build a link, image, tag, emphasis,
code span or directive from it. Leading indentation is dropped (four spaces would start a code block, which shows references raw),
and an invisible word joiner keeps URLs and e-mail addresses from becoming links.
"""

from __future__ import annotations

import html
import re
import string

# every ASCII punctuation character but those that cannot start or delimit any Markdown/HTML construct on their own
_PUNCT = frozenset(string.punctuation) - frozenset(".,?;%/'")
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
# GFM turns URLs, www. names and e-mail addresses in (already decoded) text into links: an invisible word joiner
# (U+2060) after the scheme, "www" or "@" keeps them plain text
_AUTOLINK = re.compile(r"(?i)(?<=://)|(?<=\bwww)(?=\.)|(?<=@)")


def md(value) -> str:
    """``value`` as text that Markdown and HTML show literally (see the module doc); None becomes ""."""
    if value is None:
        return ""
    text = _INDENT.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    text = _AUTOLINK.sub("\u2060", text)
    return "".join(f"&#{ord(c)};" if c in _PUNCT else c for c in text)


def md_join(values, sep: str = ", ") -> str:
    """Escaped values joined by ``sep`` (which is trusted)."""
    return sep.join(md(v) for v in values)


def plot(value) -> str:
    """``value`` for a plotly text, label, legend or hover: plotly draws a small set of HTML tags there (``<b>``,
    ``<br>``, ``<a href>``...), so ``<``, ``>`` and ``&`` become entities, which it shows as the characters."""
    return "" if value is None else html.escape(str(value), quote=False)
