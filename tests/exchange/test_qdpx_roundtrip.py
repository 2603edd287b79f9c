"""Round trip: a project exported as .qdpx and imported again is the same project: the same transcripts and turns,
codings at the same characters with the same coders and times, participants with the same attributes, memos, chart
summaries and key elements. Built like the bundled sample (``toolkit.sample.build_sample`` when
transcripts_sample/reference_indexing.csv exists; otherwise a project from two sample transcripts)."""

import shutil
from pathlib import Path

import pytest

from toolkit import project as proj
from toolkit.cli import main
from toolkit.exchange.qdpx_load import import_qdpx
from toolkit.exchange.qdpx_write import export_qdpx
from toolkit.sample import SAMPLE_DIR, build_sample
from toolkit.store import charting as cdb
from toolkit.store import core as db
from toolkit.store import memos as memo_db
from toolkit.store import open_project
from toolkit.store import qdpx as sq

pytestmark = pytest.mark.slow  # whole sample projects out and back in: each test takes 15-25 s


def _fallback_project(path: Path):
    p = proj.create(path)
    proj.import_transcripts(p, [SAMPLE_DIR / "P01_gp_rural.txt", SAMPLE_DIR / "P03_radiologist_urban.vtt"],
                            attributes=SAMPLE_DIR / "participants.csv")
    with p.transaction() as s:
        segs = db.segments_frame(s)
        pks = db.code_pks(s, "lvi84")
        coder = db.coder_id(s, "reference")
        for i, r in segs[segs.role == "participant"].reset_index().iterrows():
            db.add_coding(s, transcript_id=int(r.transcript_id), start=int(r.start), end=int(r.end),
                          code_pk=pks[list(pks)[i % 9]], coder=coder, origin="imported")
    return p


def enrich(p) -> None:
    """What charting and mapping add on top of the sample: memos, a second coder, summaries, key elements."""
    with p.transaction() as s:
        cf = db.codings_frame(s, framework_id="lvi84")
        pks = db.code_pks(s, "lvi84")
        me = db.coder_id(s, "Ingrid")
        first = cf.iloc[0]
        tid = int(first.transcript_id)
        db.add_memo(s, text="Span memo", author=me, title="On access", transcript_id=tid, start=int(first.start),
                    end=int(first.end))
        db.add_memo(s, text="Whole transcript memo\nline two", author=me, title=None, transcript_id=tid)
        db.add_memo(s, text="Code memo", title="Code note", code_pk=pks["ORG01"])
        db.add_memo(s, text="Participant memo", author=me, title="P02 note", participant_id="P02")
        db.add_memo(s, text="Project memo", author=me, title="Reflexive journal")
        summaries = []
        for (pid, code), rows in list(cf.groupby(["participant_id", "code_id"]))[:30]:
            sid = cdb.put_summary(s, framework_id="lvi84", participant_id=pid, code_pk=pks[code],
                                  text=f"{pid} on {code}: æøå “quoted”.", status="reviewed", origin="drafted",
                                 quotes=[int(x) for x in rows.id[:2]], author_id=me)
            summaries.append((sid, [int(x) for x in rows.id[:1]]))
        for i, (sid, quotes) in enumerate(summaries[:6]):
            sq.add_key_element(s, framework_id="lvi84", label=f"Key element {i}", summary_id=sid, quotes=quotes,
                               status="accepted" if i % 2 else "proposed",
                               dimension={"label": f"Dimension {i % 2}", "status": "accepted", "position": i % 2,
                                          "category": {"label": "Access", "description": "Getting there",
                                                       "position": 0}})
        for r in cf.head(5).itertuples():  # a second coder on the same spans
            db.add_coding(s, transcript_id=int(r.transcript_id), start=int(r.start), end=int(r.end),
                          code_pk=pks["ORG03"], coder=me, origin="manual")


def _none(v):
    return None if v is None or v != v else v


def snapshot(path: Path) -> dict:
    with open_project(path) as p, p.read() as s:
        out = {"participants": db.participants(s), "coders": sorted(c["name"] for c in db.list_coders(s))}
        trs = db.transcripts(s)
        out["transcripts"] = sorted((t["name"], t["participant_id"], db.transcript_text(s, t["id"])) for t in trs)
        seg = db.segments_frame(s)
        out["segments"] = sorted(zip(seg.transcript, seg.start, seg.end, seg.speaker, seg.role, strict=True))
        cf = db.codings_frame(s, with_text=False)
        key = {int(r.id): (r.transcript, int(r.start), int(r.end), r.framework_id, r.code_id, r.coder)
               for r in cf.itertuples()}
        out["codings"] = sorted((*key[int(r.id)], str(r.created_at)) for r in cf.itertuples())
        pkk = sq.code_keys_by_pk(s)
        mf = memo_db.memos_frame(s)
        out["memos"] = sorted(tuple(str(x) for x in (
            _none(m["title"]), m["text"], _none(m["author"]), _none(m["transcript"]), _none(m["start"]),
            _none(m["end"]), _none(m["participant_id"]), pkk.get(_none(m["code_pk"])), m["created_at"],
            m["updated_at"])) for m in mf.to_dict("records"))
        sums = sq.summaries(s)
        sk = {x["id"]: (x["framework_id"], x["participant_id"], x["code_id"]) for x in sums}
        out["summaries"] = sorted((*sk[x["id"]], x["text"], x["status"], x["origin"],
                                   tuple(sorted(key[q] for q in x["quotes"])), x["author"], str(x["updated_at"]))
                                  for x in sums)
        out["key_elements"] = sorted((k["framework_id"], k["label"], sk.get(k["summary_id"]),
                                      tuple(sorted(key[q] for q in k["quotes"])), k["status"], str(k["dimension"]),
                                      str(k["created_at"])) for k in sq.key_elements(s))
        fws = [db.get_framework(s, f) for f in db.framework_ids(s)]
        for f in fws:
            f.source_file = None
        out["frameworks"] = fws
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    d = tmp_path_factory.mktemp("sample")
    if (SAMPLE_DIR / "reference_indexing.csv").is_file():
        p = build_sample(d / "sample.fa")
    else:
        p = _fallback_project(d / "sample.fa")
    enrich(p)
    p.close()
    return d / "sample.fa"


@pytest.fixture(scope="module")
def exported(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("qdpx") / "sample.qdpx"
    with open_project(sample) as p:
        rep = export_qdpx(p, out)
    return out, rep


def test_round_trip_into_a_new_project_gives_the_same_project(sample, exported, tmp_path):
    out, exp = exported
    rep = import_qdpx(out, tmp_path / "back.fa")
    assert rep.skipped == [] and rep.codings == exp.codings and rep.summaries == exp.summaries > 0
    assert sorted(rep.frameworks_reused) == ["lvi21", "lvi84"]  # identical to the shipped ones
    a, b = snapshot(sample), snapshot(tmp_path / "back.fa")
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == b[k], k
    assert len(a["codings"]) > 600 if (SAMPLE_DIR / "reference_indexing.csv").is_file() else len(a["codings"]) > 20
    assert len(a["key_elements"]) == 6 and len(a["memos"]) == 5


def test_round_trip_into_an_existing_empty_project(sample, exported, tmp_path):
    p = proj.create(tmp_path / "empty.fa")
    p.close()
    import_qdpx(exported[0], tmp_path / "empty.fa")
    a, b = snapshot(sample), snapshot(tmp_path / "empty.fa")
    for k in ("transcripts", "segments", "codings", "participants", "coders", "summaries", "key_elements", "memos"):
        assert a[k] == b[k], k


def test_second_round_trip_gives_the_same_file(sample, exported, tmp_path):
    """Export -> import -> export: the same counts and byte-identical source files (the GUIDs in project.qde derive
    from each project's identity, so they differ between the two projects)."""
    import zipfile

    import_qdpx(exported[0], tmp_path / "back.fa")
    with open_project(tmp_path / "back.fa") as p:
        again = export_qdpx(p, tmp_path / "again.qdpx")
    assert (again.codings, again.memos, again.summaries, again.key_elements, again.transcripts) == \
        (exported[1].codings, exported[1].memos, exported[1].summaries, exported[1].key_elements,
         exported[1].transcripts)
    with zipfile.ZipFile(exported[0]) as z1, zipfile.ZipFile(tmp_path / "again.qdpx") as z2:
        assert sorted(z1.read(n) for n in z1.namelist() if n != "project.qde") == \
            sorted(z2.read(n) for n in z2.namelist() if n != "project.qde")


def test_cli_round_trip(sample, tmp_path, capsys):
    work = tmp_path / "work.fa"
    shutil.copy(sample, work)
    assert main(["qdpx", "export", str(work), str(tmp_path / "cli.qdpx")]) == 0
    assert main(["qdpx", "import", str(tmp_path / "cli.qdpx"), str(tmp_path / "cli.fa")]) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "imported" in out and "reused lvi21, lvi84" in out
    assert snapshot(tmp_path / "cli.fa")["codings"] == snapshot(sample)["codings"]
