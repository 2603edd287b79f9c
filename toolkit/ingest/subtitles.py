"""WebVTT (.vtt) and SubRip (.srt) transcripts: cues merged into speaker turns."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from toolkit.errors import InputError
from toolkit.models import Turn

from .speakers import assign_roles, is_known_label, name_shape_ok, norm
from .turns import format_timestamp, parse_timestamp

_VTT_TS = r"(?:\d{1,}:)?[0-5]?\d:[0-5]?\d\.\d{1,3}"
_SRT_TS = r"\d{1,}:[0-5]?\d:[0-5]?\d[,.]\d{1,3}"
_VTT_TIMING = re.compile(rf"^\s*({_VTT_TS})\s*-->\s*({_VTT_TS})(?:\s+.*)?$")
_SRT_TIMING = re.compile(rf"^\s*({_SRT_TS})\s*-->\s*({_SRT_TS})(?:\s+.*)?$")
# At the place of a timing line, anything starting like a time is a (malformed) timing line.
_TIMING_ATTEMPT = re.compile(r"^\s*\d+:\d{2}")
_VOICE = re.compile(r"^\s*<v(?:\.[\w-]+)*\s+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[^>\s][^>]*>")
_PREFIX = re.compile(r"^\s*(?:\[(?P<b>[^\]\n]{1,40})\]|(?P<n>[^:\n]{1,40}?))\s*:\s+(?P<rest>\S.*)$", re.DOTALL)
_SRT_BRACKET = re.compile(r"^\s*\[(?P<b>[^\]\n]{1,40})\]\s*(?P<rest>\S.*)$", re.DOTALL)


@dataclass
class _Cue:
    t_start: float
    t_end: float
    text: str
    prefix: str | None  # "Name: text" prefix, validated later
    voice: str | None


def _blocks(lines: list[str]):
    """``(index of first line, lines)`` for each run of non-blank lines."""
    block: list[str] = []
    first = 0
    for i, line in enumerate(lines):
        if line.strip():
            if not block:
                first = i
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _looks_like_timing(line: str) -> bool:
    return "-->" in line or bool(_TIMING_ATTEMPT.match(line))


def _validate_timings(text: str, file, fmt: str) -> None:
    """Every cue must start with a well-formed timing line; report the first bad one with its line number."""
    lines = text.split("\n")
    good = _VTT_TIMING if fmt == "vtt" else _SRT_TIMING
    example = "00:00:01.000 --> 00:00:04.000" if fmt == "vtt" else "00:00:01,000 --> 00:00:04,000"

    def bad(i: int, what: str = "malformed timing line") -> InputError:
        return InputError(file, f"{what} {lines[i].strip()!r} (expected e.g. '{example}')", place=f"line {i + 1}")

    def check(i: int) -> None:
        m = good.match(lines[i])
        if parse_timestamp(m.group(2)) < parse_timestamp(m.group(1)):
            raise InputError(file, f"cue ends before it starts: {lines[i].strip()!r}", place=f"line {i + 1}")

    if fmt == "vtt" and not lines[0].startswith("WEBVTT"):
        raise InputError(file, "not a WebVTT file: the first line must start with 'WEBVTT'", place="line 1")
    n_cues = 0
    for k, (i, block) in enumerate(_blocks(lines)):
        if fmt == "vtt" and (k == 0 or block[0].split(" ")[0] in ("NOTE", "STYLE", "REGION")):
            continue
        if good.match(block[0]):
            t = 0
        elif len(block) > 1 and good.match(block[1]):
            t = 1
        else:
            t = None
        if t is None:
            for j, line in enumerate(block[:2]):
                if _looks_like_timing(line) and not (fmt == "srt" and j == 0 and line.strip().isdigit()):
                    raise bad(i + j)
            if fmt == "vtt":
                raise InputError(file, f"text outside a cue (no timing line before it): {block[0].strip()!r}",
                                 place=f"line {i + 1}")
            if n_cues == 0:
                raise InputError(file, "an .srt file starts with a cue number and a timing line",
                                 place=f"line {i + 1}")
            continue  # SRT: a block without timing continues the previous cue's text
        check(i + t)
        n_cues += 1
        for j in range(t + 1, len(block)):
            if "-->" in block[j]:
                raise bad(i + j)
    if n_cues == 0:
        raise InputError(file, f"empty transcript: no cues in this .{fmt} file")


def _cue_text(raw: str) -> str:
    text = _TAG.sub("", raw)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ")
    return " ".join(text.split())


def _parse_cues(text: str, file, fmt: str) -> list[_Cue]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.WebVTT.from_buffer(io.StringIO(text), format=fmt).captions
    except (MalformedFileError, MalformedCaptionError) as e:
        raise InputError(file, f"malformed .{fmt} file: {e}") from None
    cues: list[_Cue] = []
    for c in captions:
        raw = c.raw_text
        vm = _VOICE.match(raw)
        voice = vm.group(1).strip() if vm else None
        body = _cue_text(raw)
        prefix = None
        if not voice and body:
            pm = _PREFIX.match(body) or (_SRT_BRACKET.match(body) if fmt == "srt" else None)
            if pm:
                prefix = (pm.group("b") or pm.groupdict().get("n") or "").strip()
                if prefix:
                    body_rest = pm.group("rest").strip()
                    cues.append(_Cue(parse_timestamp(c.start), parse_timestamp(c.end), body_rest, prefix, None))
                    continue
        if body:
            cues.append(_Cue(parse_timestamp(c.start), parse_timestamp(c.end), body, None, voice))
    return cues


def _resolve_prefixes(cues: list[_Cue]) -> None:
    """Decide which ``Name: text`` prefixes are speakers; put the others back into the text."""
    counts = Counter(norm(c.prefix) for c in cues if c.prefix)
    voices = {norm(c.voice) for c in cues if c.voice}
    prefixed = sum(1 for c in cues if c.prefix)
    zoom_style = prefixed * 2 >= len(cues)  # most cues carry a prefix: every well-shaped prefix is a speaker
    for c in cues:
        if not c.prefix:
            continue
        known = is_known_label(c.prefix)
        ok = name_shape_ok(c.prefix, known=known) and (
            known or zoom_style or counts[norm(c.prefix)] >= 2 or norm(c.prefix) in voices
        )
        if ok:
            c.voice = c.prefix
        else:
            c.text = f"{c.prefix}: {c.text}"
        c.prefix = None


def _order_warnings(cues: list[_Cue], fmt: str) -> list[str]:
    """Cues out of time order or overlapping the cue before them are kept in file order, but said."""
    back = [c for p, c in zip(cues, cues[1:], strict=False) if c.t_start < p.t_start]
    over = [c for p, c in zip(cues, cues[1:], strict=False) if p.t_start <= c.t_start < p.t_end]
    out = []
    if back:
        out.append(f"{len(back)} .{fmt} cue(s) start before the cue above them (first at "
                   f"{format_timestamp(back[0].t_start)}); kept in file order, check the file's timing")
    if over:
        out.append(f"{len(over)} .{fmt} cue(s) overlap the cue above them (first at "
                   f"{format_timestamp(over[0].t_start)}); kept in file order, check the file's timing")
    return out


def subtitles_to_transcript(
    text: str, file, fmt: str, interviewer_names: Iterable[str] = ()
) -> tuple[str, list[Turn], list[str]]:
    """Parse .vtt/.srt text; return ``(stored_text, turns, warnings)``.

    Consecutive cues of one speaker are merged into one turn; a cue without a speaker continues the
    previous speaker. Each turn is rendered as ``[hh:mm:ss] Speaker: text``, turns separated by a blank line.
    """
    _validate_timings(text, file, fmt)
    cues = _parse_cues(text, file, fmt)
    if not cues:
        raise InputError(file, f"no cue with text in this .{fmt} file")
    order = _order_warnings(cues, fmt)
    _resolve_prefixes(cues)
    groups: list[list[_Cue]] = []
    current: str | None = None
    for c in cues:
        speaker = c.voice or current
        if groups and current is not None and (c.voice is None or norm(c.voice) == norm(current)):
            groups[-1].append(c)
        else:
            groups.append([c])
        c.voice = speaker
        current = speaker
    parts: list[str] = []
    turns: list[Turn] = []
    pos = 0
    for g in groups:
        speaker = g[0].voice
        head = f"[{format_timestamp(g[0].t_start)}] " + (f"{speaker}: " if speaker else "")
        body = " ".join(c.text for c in g)
        if parts:
            pos += 2  # "\n\n"
        start = pos + len(head)
        parts.append(head + body)
        pos += len(head) + len(body)
        turns.append(Turn(start=start, end=start + len(body), speaker=speaker,
                          t_start=g[0].t_start, t_end=max(c.t_end for c in g)))
    stored = "\n\n".join(parts)
    warnings: list[str] = order
    if not any(t.speaker for t in turns):
        warnings.append(f"no speakers found in the .{fmt} cues; {len(turns)} turn(s) without speaker")
    else:
        warnings.extend(assign_roles(turns, stored, interviewer_names))
    return stored, turns, warnings
