"""Candidate key elements: short analytic noun phrases cut from a chart summary, and the quotes that back each one.

Pure functions (no database). Key elements read like the reference study's Table 2 ("Lack of local guidelines",
"Patients' expectations of imaging"): ``noun_phrases`` keeps only runs of content words, cut at every verb,
pronoun, auxiliary, adverb, conjunction, negation, discourse marker and punctuation (rules, no tagger: lists of
function words and common verbs in English and Norwegian); articles and possessives open a phrase and are dropped,
"of"/"for" (av/for/på) join two runs ("lack of guidelines"). A proposal is in one language: the summary's (Norwegian
or English, ``ingest.language``); the other language's words cut like function words ("Ikke sant" gives nothing).
Every word of a proposal is the summary's own, so it can be read back there; the researcher renames them into the
study's own words. ``select_phrases`` ranks them against the summary and an anchor (the code's label and definition).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n+|\s*(?:^|\s)[•\-–*]\s+")
_CLAUSE = re.compile(r"\s*;\s*|\s*:\s+|\s+[–—]\s+|\s+-\s+|,\s+(?=(?:and|but|so|because|which|while|whereas|although|"
                     r"though|yet|since|as well as)\b)|\s+(?=(?:but|because|whereas|although|though)\b)",
                     re.IGNORECASE)
_LEAD = re.compile(
    r"^(?:(?:and|but|so|or|also|then|thus|hence|however|moreover|furthermore|in addition|besides|therefore|"
    r"yet|still|because|since|while|whereas|although|though|which|that|as well as|for example|e\.g\.|i\.e\.|"
    r"well|you know|i mean|of course|in fact|actually|basically|on the other hand)\b[,\s]*)+",
    re.IGNORECASE)
_FRAME = re.compile(
    r"^(?:(?:the\s+)?(?:participant|informant|interviewee|respondent|gp|radiologist|radiographer|specialist|"
    r"manager|[A-Z]{1,3}\d{1,4}|he|she|they|i|we)\s+(?:also\s+|further\s+)?"
    r"(?:(?:says?|said|thinks?|thought|believes?|believed|describes?|described|explains?|explained|"
    r"points? out|pointed out|mentions?|mentioned|notes?|noted|argues?|argued|emphasi[sz]es?|emphasi[sz]ed|"
    r"reports?|reported|claims?|claimed|suggests?|suggested)(?:\s+that)?|"
    r"(?:finds?|found|feels?|felt|considers?|considered)\s+that)\b[,\s]*)", re.IGNORECASE)
_NOISE = re.compile(r"\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.|\b(?:eh|ehm|uh|um|erm|hm+)\b,?", re.IGNORECASE)
_TRAIL = re.compile(r"[\s,;:.!?\"'“”‘’()\[\]]+$")
_HEAD = re.compile(r"^[\s,;:.!?\"'“”‘’()\[\]\-–—•*]+")
STOPWORDS = frozenset(
    "a an the and or but so of to in on at for with by from as is are was were be been being it its this that these "
    "those there here they them their he she his her we our us you your i me my not no do does did done have has had "
    "will would can could should may might must also very more most much many some any all just only than then too "
    "into about over under up down out if when what which who whom whose how why where because while "
    "it's i'm i've i'd i'll we're we've we'd they're they've they'd you're you'd he's she's that's there's what's "
    "don't doesn't didn't can't couldn't won't wouldn't isn't aren't wasn't weren't haven't hasn't "
    "get got one ones thing things something yes yeah okay ok".split())
MIN_CONTENT_WORDS = 2
MAX_WORDS = 14
PHRASE_WORDS = 6  # a proposed key element is at most this many words


def words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower().replace("’", "'"))


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def _clean(clause: str) -> str:
    c = re.sub(r"\s{2,}", " ", _NOISE.sub(" ", clause))
    c = _HEAD.sub("", c)
    for _ in range(3):
        before = c
        c = _LEAD.sub("", c)
        c = _FRAME.sub("", c)
        c = _HEAD.sub("", c)
        if c == before:
            break
    c = _TRAIL.sub("", c).strip()
    return c[:1].upper() + c[1:] if c else c


def _shorten(clause: str) -> list[str]:
    """Split an over-long clause at commas; keep the pieces that still carry meaning."""
    if len(words(clause)) <= MAX_WORDS:
        return [clause]
    pieces = [p for p in re.split(r",\s+|\s+\((?=[^)]*\))|\)\s*", clause) if p.strip()]
    return pieces if len(pieces) > 1 else [clause]


def compress(phrase: str, max_words: int = PHRASE_WORDS) -> str:
    """The densest run of at most ``max_words`` words of ``phrase``: the window with most content words, starting
    and ending on a content word ("They have the emergency patients" -> "Emergency patients")."""
    toks = phrase.split()
    negation = {"no", "not", "never", "nobody", "nothing", "none", "without"}
    is_content = [bool(content_words(t)) or any(w in negation or w.endswith("n't") for w in words(t)) for t in toks]
    if len(toks) <= max_words and (not toks or (is_content[0] and is_content[-1])):
        return phrase
    best, best_key = (0, 0), (-1, 0, 0)
    for i in range(len(toks)):
        if not is_content[i]:
            continue
        for j in range(i, min(len(toks), i + max_words)):
            if not is_content[j]:
                continue
            long = sum(len(t) >= 4 and c for t, c in zip(toks[i:j + 1], is_content[i:j + 1], strict=True))
            key = (sum(is_content[i:j + 1]), long, -(j - i))
            if key > best_key:
                best, best_key = (i, j), key
    if best_key[0] < 0:
        return phrase
    out = _TRAIL.sub("", " ".join(toks[best[0]:best[1] + 1])).strip(" ,;:")
    return out[:1].upper() + out[1:]


def candidate_phrases(summary: str) -> list[str]:
    """The summary's noun phrases (``noun_phrases``), in their order, no duplicates: what key elements are made of."""
    return noun_phrases(summary)


_TOKEN = re.compile(r"[^\W_][\w'’-]*|[^\w\s]", re.UNICODE)
PRONOUNS_EN = ("i me my mine we us our ours you your yours he him his she her hers they them their theirs it its "
               "itself myself ourselves themselves yourself anybody somebody nobody everybody anyone someone "
               "everyone nothing something everything one's who whom whose which what whatever")
VERBS_EN = ("is are was were am be been being 's 're 've 'd 'm has have had having do does did done doing "
            "can could will would shall should may might must go goes went gone going get gets got getting say "
            "says said saying think thinks thought thinking know knows knew known feel feels felt see sees saw seen "
            "find finds found come comes came make makes made making take takes took taken give gives gave given "
            "tell tells told ask asks asked asking want wants wanted wanting send sends sent sending refer refers "
            "referred referring order orders ordered try tries tried let lets keep keeps kept mean means meant "
            "believe believes believed expect expects expected decide decides decided use uses used become becomes "
            "became put puts seem seems seemed look looks looked live lives lived work works worked drive drives "
            "drove pay pays paid help helps helped happen happens happened leave leaves left bring brings brought "
            "start starts started end ends ended show shows showed call calls called agree agrees agreed guess "
            "suppose supposed hope hopes hoped wish wishes like likes liked love loves hate hates prefer prefers "
            "examine examines examined says tend tends tended sit sits sat stand stands stood turn turns turned "
            "run runs ran get got gotten ring rings rang need needs needed vary varies varied fill fills filled "
            "rise rises rose grow grows grew earn earns earned slow slows slowed cause causes caused lead leads led "
            "reduce reduces reduced depend depends depended seek seeks sought wait waits waited refuse refuses "
            "refused accept accepts accepted push pushes pushed insist insists insisted gets")
FUNCTION_EN = ("and or but so nor yet because if when whenever while whereas although though unless until since "
               "as than then that this these those there here where why how not no never n't don't doesn't "
               "didn't can't couldn't won't wouldn't isn't aren't wasn't weren't haven't hasn't hadn't shouldn't "
               "very really just also only even still already again quite rather too more most much many less longer "
               "least well yes yeah okay ok oh um uh eh ehm hm actually basically maybe perhaps probably sometimes "
               "lot lots bit kind sort course pretty sure "
               "often always usually almost about around into onto over under up down out off through with "
               "without within by from at in on to before after between against during across like per via "
               "all any some each every both either neither such own same other another else ever")
DETERMINERS_EN = "the a an this these those their our his her its my your some any each every no"
JOIN_EN = "of for"
NUMBERS = {"en": frozenset("one two three four five six seven eight nine ten twenty hundred".split()),
           "no": frozenset("to tre fire fem seks sju åtte ni ti tjue hundre".split())}
FUNCTION_NO = ("og eller men så fordi hvis når mens selv om at som da der her hvor hva hvem hvorfor hvordan ikke "
               "aldri ingen intet ja nei jo vel nå bare litt mye mer mest veldig også altså liksom sant egentlig "
               "kanskje vanligvis alltid ofte fra i med til om over under ut inn opp ned mot etter før ved uten "
               "mellom hos gjennom jeg meg min mitt mine vi oss vår vårt våre du deg din ditt dine han ham hans "
               "hun henne hennes de dem deres den det denne dette disse seg sin sitt sine man noen noe alle "
               "er var vært være blir ble blitt bli har hadde hatt ha kan kunne skal skulle vil ville må måtte "
               "får fikk gjør gjorde gjort sier sa tenker tror trodde synes syntes vet visste går gikk kommer kom "
               "tar tok ser så henviser sender sendte spør spurte vil ønsker å forventer mener trenger opplever "
               "prøver føler gir bruker venter kjører betaler bestiller krever sier")
DETERMINERS_NO = "en et ei den det de denne dette disse sin sitt sine min mitt mine vår vårt våre hans hennes deres"
JOIN_NO = "av for på til"
MAX_PHRASE_CONTENT = 5


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_EN = {"stop": _set(PRONOUNS_EN) | _set(VERBS_EN) | _set(FUNCTION_EN), "det": _set(DETERMINERS_EN),
       "join": _set(JOIN_EN)}
_NO = {"stop": _set(FUNCTION_NO), "det": _set(DETERMINERS_NO), "join": _set(JOIN_NO)}


def _chunks(text: str, lang: str) -> list[list[str]]:
    """Runs of content words (with joiners kept inside), cut at everything that is not part of a noun phrase."""
    own, other = (_NO, _EN) if lang == "no" else (_EN, _NO)
    foreign = other["stop"] | other["det"] | other["join"]
    out: list[list[str]] = []
    cur: list[str] = []

    def close() -> None:
        while cur and cur[-1].lower() in own["join"]:
            cur.pop()
        if cur:
            out.append(cur.copy())
        cur.clear()

    for tok in _TOKEN.findall(text.replace("’", "'")):
        low = tok.lower()
        if not tok[0].isalnum():  # punctuation
            close()
        elif low in own["det"]:
            close()
        elif (low in NUMBERS["no" if lang == "no" else "en"] or low.isdigit()) and cur:  # "people | four private centres"
            close()
            cur.append(tok)
        elif len(tok) == 1 and tok.isalpha():  # a stray letter ("-S two hours")
            close()
        elif low in own["join"]:
            if cur:
                cur.append(tok)
        elif (low in own["stop"] or low in foreign or low.endswith("n't") or low in STOPWORDS
              or (lang != "no" and (low.endswith("ly") and len(low) > 4))):
            close()
        else:
            cur.append(tok)
    close()
    return out


def _trim(chunk: list[str], lang: str) -> list[str]:
    """A chunk as a phrase: no past participle at its end ("CT before anybody has really examined"), at most
    ``MAX_PHRASE_CONTENT`` content words (the head of an English noun phrase is at its end: keep the end)."""
    join = (_NO if lang == "no" else _EN)["join"]
    while chunk and lang != "no" and chunk[-1].lower().endswith("ed") and len(chunk[-1]) > 4:
        chunk = chunk[:-1]
    while chunk and chunk[-1].lower() in join:
        chunk = chunk[:-1]
    content = [i for i, t in enumerate(chunk) if t.lower() not in join]
    if len(content) > MAX_PHRASE_CONTENT:
        chunk = chunk[content[-MAX_PHRASE_CONTENT]:]
    while chunk and chunk[0].lower() in join:
        chunk = chunk[1:]
    return chunk


def noun_phrases(summary: str, *, language: str | None = None, min_words: int = 2) -> list[str]:
    """The noun phrases of ``summary`` (see the module doc), in their order, no duplicates, first letter capitalised.
    Phrases of fewer than ``min_words`` words are left out unless the summary has no longer one; digits alone and
    phrases without a word of four letters are never phrases."""
    from ..ingest.language import detect_language

    text = _NOISE.sub(" ", summary or "")
    if not text.strip():
        return []
    lang = language or detect_language(text)
    seen: set[str] = set()
    found: list[str] = []
    for chunk in _chunks(text, lang):
        words_ = _trim(chunk, lang)
        if not words_ or not any(len(w) >= 4 and not w.isdigit() for w in words_):
            continue
        phrase = " ".join(words_)
        key = phrase.lower()
        if key in seen:
            continue
        seen.add(key)
        found.append(phrase[:1].upper() + phrase[1:])
    longer = [p for p in found if len(p.split()) >= min_words]
    return longer or found


def select_phrases(phrases: Sequence[str], vectors: np.ndarray | None, k: int, diversity: float = 0.3,
                   anchor: np.ndarray | None = None) -> list[int]:
    """Indices of up to ``k`` phrases: the most relevant first, avoiding near-repeats (maximal marginal relevance).

    Relevance is closeness to the centre of the summary's phrases and, with ``anchor`` (the embedded label and
    definition of the cell's code), to the code: a key element says what the summary says about the code. Without
    vectors the first ``k`` phrases are kept (a summary usually states its point first).
    """
    n = len(phrases)
    if n <= k or vectors is None:
        return list(range(min(n, k)))
    centre = vectors.mean(axis=0)
    norm = np.linalg.norm(centre)
    relevance = vectors @ (centre / norm if norm else centre)
    if anchor is not None:
        relevance = (relevance + vectors @ anchor) / 2
    sims = vectors @ vectors.T
    chosen = [int(np.argmax(relevance))]
    while len(chosen) < k:
        best, best_score = None, -np.inf
        for i in range(n):
            if i in chosen:
                continue
            score = (1 - diversity) * relevance[i] - diversity * max(sims[i, j] for j in chosen)
            if score > best_score:
                best, best_score = i, score
        chosen.append(best)
    return sorted(chosen)


def _overlap(phrase: str, quote: str) -> float:
    pw = set(content_words(phrase))
    return len(pw & set(content_words(quote))) / len(pw) if pw else 0.0


def backed_by_words(phrase: str, quotes: dict[int, str], min_overlap: float = 0.6) -> list[int]:
    """The coding ids among ``quotes`` holding at least ``min_overlap`` of the phrase's content words (sorted)."""
    return sorted(cid for cid, text in quotes.items() if _overlap(phrase, text) >= min_overlap)


def link_quotes(phrase: str, quotes: dict[int, str], *, phrase_vector: np.ndarray | None = None,
                quote_vectors: dict[int, np.ndarray] | None = None, min_overlap: float = 0.6) -> list[int]:
    """The coding ids among a summary's ``quotes`` that back ``phrase``.

    A quote backs a phrase when it holds most of the phrase's content words; when none does, the closest quote
    (by embedding, else by shared words) is taken, so an element never loses its way back to the transcript.
    """
    if not quotes:
        return []
    linked = backed_by_words(phrase, quotes, min_overlap)
    if linked:
        return linked
    if phrase_vector is not None and quote_vectors:
        return [max(quotes, key=lambda cid: float(quote_vectors[cid] @ phrase_vector))]
    return [max(quotes, key=lambda cid: (_overlap(phrase, quotes[cid]), -cid))]
