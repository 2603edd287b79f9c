"""What is distinctive of a participant or a group: TF-IDF terms against the rest of the study."""

from __future__ import annotations

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from ..errors import InputError
from ..store import Project
from ..store import core as db


def distinctive_terms(project: Project, *, by: str = "participant", top: int = 10,
                      min_df: int = 1) -> pd.DataFrame:
    """Terms that distinguish each participant (or each value of an attribute, e.g. ``group``) from the rest:
    TF-IDF over participant speech pooled per unit, English and Norwegian stop words removed."""
    with project.read() as s:
        segs = db.segments_frame(s)
        attrs = {p["id"]: p for p in db.participants(s)}
    segs = segs[segs.role != "interviewer"]
    if segs.empty:
        raise InputError(None, "no participant speech in the project yet")
    if by == "participant":
        keys = segs["participant_id"].fillna(segs["transcript"])
    else:
        known = {k for p in attrs.values() for k in p}
        if by not in known:
            raise InputError(None, f"unknown attribute {by!r} (known: {', '.join(sorted(known - {'id'}))})")
        keys = segs["participant_id"].map(lambda pid: attrs.get(pid, {}).get(by) or "(none)")
    docs = segs.groupby(keys)["text"].apply(" ".join)
    vec = TfidfVectorizer(stop_words=sorted(STOP_WORDS), min_df=min_df, sublinear_tf=True,
                          token_pattern=r"(?u)\b[^\W\d_]{3,}\b")
    m = vec.fit_transform(docs.values)
    vocab = vec.get_feature_names_out()
    rows = []
    for i, key in enumerate(docs.index):
        row = m.getrow(i).toarray().ravel()
        for rank, j in enumerate(row.argsort()[::-1][:top]):
            if row[j] <= 0:
                break
            rows.append({by: key, "rank": rank + 1, "term": vocab[j], "score": round(float(row[j]), 4)})
    return pd.DataFrame(rows, columns=[by, "rank", "term", "score"])


# Function words of English and Norwegian (bokmål) and the fillers of spoken language.
STOP_WORDS = set("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers herself
him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own same she should so some such than that the their theirs them themselves then
there these they this those through to too under until up very was we were what when where which while who whom why
will with would you your yours yourself yourselves yes yeah eh ehm um hm hmm mm okay ok well like know think mean
really things thing lot sort kind get got go going say said one two also maybe much many quite there's that's it's
don't i'm we're they're you're can't didn't doesn't isn't wasn't i've we've don didn doesn isn wasn couldn wouldn shouldn aren weren haven hasn
og i jeg det at en et den til er som på de med han av ikke der så var meg seg men ett har om vi min mitt ha hadde hun
nå over da ved fra du ut sin dem oss opp man kan hans hvor eller hva skal selv sjøl her alle vil bli ble blitt kunne
inn når være kom noen noe ville dere deres kun ja etter ned skulle denne for deg si sine sitt mot å meget hvorfor dette
disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni mellom vår hver hvem vors hvis både bare enn
fordi før mange også slik vært båe begge siden dykk dykkar dei deira deires deim di då eg ein eit eitt elles honom
hjå ho hoe henne hennar hennes hoss hossen ikkje ingi inkje korleis korso kva kvar kvarhelst kven kvi kvifor me medan
mi mine mykje no nokon noka nokor noko nokre si sia sidan so somt somme um upp vere vore verte vort varte vart liksom
altså egentlig jo vel litt mye veldig nok ganske
""".split())
