"""Speaker labels: known conventions, name shape, and interviewer/participant roles."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from toolkit.models import Turn

# Labels that name the interviewer (case-insensitive, optionally numbered: "Interviewer 2", "I1").
INTERVIEWER_LABELS = frozenset(
    {"i", "q", "int", "interviewer", "intervjuer", "intervjuar", "moderator", "facilitator",
     "question", "spørsmål", "researcher", "forsker"}
)
# Labels that name a participant without a name.
PARTICIPANT_LABELS = frozenset(
    {"a", "r", "p", "ip", "answer", "svar", "participant", "respondent", "informant", "interviewee",
     "deltaker", "deltakar", "intervjuobjekt", "speaker", "person", "taler"}
)
# Words that start metadata lines ("Date: ...", "Note: ...") and are never speakers.
NOT_SPEAKERS = frozenset(
    {"note", "notes", "nb", "n.b.", "ps", "p.s.", "merk", "obs", "date", "dato", "time", "tid", "duration",
     "varighet", "length", "location", "sted", "place", "title", "tittel", "subject", "tema", "topic", "theme",
     "transcript", "transkripsjon", "transcriber", "transkribert av", "recording", "opptak", "file", "fil",
     "project", "prosjekt", "source", "kilde", "example", "eksempel", "e.g.", "i.e.", "summary", "sammendrag",
     "comment", "comments", "kommentar", "re", "fw", "from", "to", "cc", "tel", "email", "e-post", "url",
     "http", "https", "mailto", "step", "tips", "warning", "advarsel", "answer key", "conclusion", "keywords",
     "key words", "code", "kode", "category", "kategori", "interview", "intervju", "study", "studie",
     "site", "setting", "group", "gruppe", "age", "alder", "sex", "gender", "kjønn", "role", "rolle",
     "language", "språk", "version", "versjon", "status", "total", "sum", "pros", "cons", "yes", "no",
     "ja", "nei", "ok", "okay", "so", "and", "but", "then", "well", "og", "men", "så",
     # transcription marks: "[Laughter]", "[inaudible]"
     "laughter", "laughs", "latter", "ler", "inaudible", "uhørbart", "uklart", "unclear", "crosstalk",
     "pause", "music", "musikk", "applause", "silence", "stillhet", "noise", "støy", "background noise"}
)
# Lower-case words allowed inside a name ("Ludwig van Beethoven", "Kari av Bø").
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "af", "av", "bin", "al", "el"})
_TITLE = re.compile(r"^(?:dr|prof|mr|mrs|ms|lege|sykepleier)\.?\s+", re.IGNORECASE)
_NUMBERED = re.compile(r"^(?P<base>[^\d()]+?)\s*(?:\d{1,3}|\(.*\))?$")
ID_LIKE = re.compile(r"^[A-ZÆØÅ]{1,3}[-_]?\d{1,3}$")

MAX_LABEL_CHARS = 40
MAX_LABEL_WORDS = 4


def norm(name: str) -> str:
    """Key for comparing speaker names: case-folded, single spaces, no trailing dot."""
    return " ".join(name.replace("\u2019", "'").split()).casefold().rstrip(".")


def _base(name: str) -> str:
    """``'Interviewer 2'`` -> ``'interviewer'``; ``'I1'`` -> ``'i'``; ``'Moderator (AB)'`` -> ``'moderator'``."""
    n = norm(name)
    m = _NUMBERED.match(n)
    base = m.group("base").strip() if m else n
    if base == n and re.fullmatch(r"[a-zæøå]{1,3}\d{1,3}", n):
        base = re.sub(r"\d+$", "", n)
    return base


def is_interviewer_label(name: str) -> bool:
    return _base(name) in INTERVIEWER_LABELS


def is_known_label(name: str) -> bool:
    """A known convention: interviewer/participant word (optionally numbered) or an id such as P07, R3."""
    b = _base(name)
    return b in INTERVIEWER_LABELS or b in PARTICIPANT_LABELS or bool(ID_LIKE.match(name.strip()))


def name_shape_ok(name: str, *, known: bool = False) -> bool:
    """Short (<= 4 words, <= 40 chars), looks like a name: every word capitalised (or a particle / id)."""
    name = name.strip()
    if not name or len(name) > MAX_LABEL_CHARS:
        return False
    words = name.split()
    if len(words) > MAX_LABEL_WORDS:
        return False
    if norm(name) in NOT_SPEAKERS or norm(words[0]) in NOT_SPEAKERS and len(words) == 1:
        return False
    if known:
        return True
    if not words[0][0].isupper():
        return False
    for w in words[1:]:
        w0 = w.lstrip("(")
        if not w0:
            return False
        if w0[0].isupper() or w0[0].isdigit() or w.casefold() in _PARTICLES:
            continue
        return False
    return True


def matches_interviewer_name(name: str, interviewer_names: Iterable[str]) -> bool:
    """``name`` equals one of ``interviewer_names`` (case-insensitive), with or without a title such as 'Dr.'."""
    n = norm(name)
    n_plain = _TITLE.sub("", n)
    for given in interviewer_names:
        g = norm(given)
        if not g:
            continue
        g_plain = _TITLE.sub("", g)
        if n in (g, g_plain) or n_plain in (g, g_plain):
            return True
    return False


def assign_roles(
    turns: Sequence[Turn], text: str, interviewer_names: Iterable[str] = ()
) -> list[str]:
    """Set ``turn.role`` in place; return warnings.

    Interviewer: a known interviewer label (I, Q, Interviewer, Intervjuer, Moderator, Facilitator, Int) or a
    name in ``interviewer_names``; when neither occurs and there are two or more speakers, the speaker with
    most turns ending in a question mark. Every other named speaker is a participant; turns without a
    speaker stay 'unknown'.
    """
    names = list(interviewer_names)
    speakers = [t.speaker for t in turns if t.speaker]
    keys = {norm(s) for s in speakers}
    interviewer: set[str] = set()
    for s in speakers:
        if is_interviewer_label(s) or matches_interviewer_name(s, names):
            interviewer.add(norm(s))
    warnings: list[str] = []
    if not interviewer and len(keys) >= 2:
        questions: Counter[str] = Counter()
        for t in turns:
            if t.speaker and text[t.start : t.end].rstrip().rstrip("\"'\u201d)").endswith("?"):
                questions[norm(t.speaker)] += 1
        ranked = questions.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            key = ranked[0][0]
            interviewer.add(key)
            shown = next(s for s in speakers if norm(s) == key)
            n_turns = sum(1 for s in speakers if norm(s) == key)
            warnings.append(
                f"no interviewer label found; took '{shown}' as the interviewer "
                f"({ranked[0][1]} of {n_turns} turns end with a question mark)"
            )
        else:
            warnings.append("no interviewer label found and no speaker asks most questions; roles left as participant")
    for t in turns:
        if not t.speaker:
            t.role = "unknown"
        elif norm(t.speaker) in interviewer:
            t.role = "interviewer"
        else:
            t.role = "participant"
    return warnings
