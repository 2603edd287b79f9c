"""Refinement through a crosswalk: traceable recoding, merged spans, carried summaries, idempotence, bad input."""

from __future__ import annotations

import pandas as pd
import pytest
from test_charting_common import make_project

from toolkit import charting as ch
from toolkit import project as proj
from toolkit.errors import InputError, NotFoundError
from toolkit.frameworks import SHIPPED_DIR, load_crosswalk
from toolkit.store import charting as cdb
from toolkit.store import core as db

CW = "lvi84_to_lvi21"


@pytest.fixture
def project(tmp_path):
    p = make_project(tmp_path)
    yield p
    p.close()


def _state(project) -> tuple:
    """Everything refinement may touch: codings (all, removed too), summaries of both frameworks, crosswalks."""
    with project.read() as s:
        cod = db.codings_frame(s, include_removed=True, with_text=False).drop(columns=["created_at"])
        sums = pd.concat([cdb.summaries_frame(s, f) for f in ("lvi84", "lvi21")]).drop(columns=["updated_at"])
        from toolkit.store import measures as mdb

        return cod.to_json(), sums.to_json(), mdb.crosswalk_ids(s)


def test_recodes_every_coding_with_sources(project):
    with project.read() as s:
        before = db.codings_frame(s, framework_id="lvi84", with_text=False)
    rep = ch.refine(project, CW, actor="ann")
    cw = load_crosswalk(SHIPPED_DIR / f"{CW}.yaml")
    with project.read() as s:
        orig = db.codings_frame(s, framework_id="lvi84", with_text=False)
        new = db.codings_frame(s, framework_id="lvi21", with_text=False)
    pd.testing.assert_frame_equal(orig, before)  # originals stay
    assert set(new["origin"]) == {"crosswalk"} and set(new["batch"]) == {f"crosswalk:{CW}"}
    by_id = orig.set_index("id")
    used: list[int] = []
    for r in new.itertuples(index=False):
        src = by_id.loc[r.sources]
        assert (src["transcript_id"] == r.transcript_id).all() and (src["start"] == r.start).all()
        assert (src["end"] == r.end).all() and (src["coder"] == r.coder).all()
        assert {cw.target(c) for c in src["code_id"]} == {r.code_id}
        used += r.sources
    # every original coding whose code maps somewhere is the source of exactly one new coding
    mapped = [i for i, c in zip(orig["id"], orig["code_id"], strict=True) if cw.target(c)]
    assert sorted(used) == sorted(mapped)
    # ORG01 + ORG02 on the same span by the same coder merge into one HSC01 coding; the second coder's stays apart
    hsc01 = new[new["code_id"] == "HSC01"]
    assert len(hsc01) == 3 and sorted(len(x) for x in hsc01["sources"]) == [1, 1, 2]
    # ORG08 and REF10 on the same span go to different target codes: two codings
    assert rep.added == len(new) == 11
    t = rep.targets.set_index("to_code")
    assert t.loc["HSC01", "codings"] == 3 and t.loc["HSC01", "source_codings"] == 4
    assert t.loc["HSC01", "from_codes"].startswith("ORG01 (3), ORG02 (1)")
    assert len(rep.merges) == 84 and len(rep.dropped) == 7
    assert "HSC01 Access to imaging and geography: 3 coding(s) of 1 participant(s) <- ORG01 (3)" in rep.text()


def test_rerun_is_idempotent_and_follows_changes(project):
    ch.refine(project, CW)
    state = _state(project)
    rep = ch.refine(project, CW)
    assert (rep.added, rep.updated, rep.retired, rep.unchanged) == (0, 0, 0, 11)
    assert _state(project) == state
    # the researcher removes a source coding and a crosswalk coding, then refines again
    with project.transaction() as s:
        src = db.codings_frame(s, framework_id="lvi84", with_text=False)
        new = db.codings_frame(s, framework_id="lvi21", with_text=False)
        ann = db.coder_id(s, "ann")
        only = src[(src["code_id"] == "EXP01")].iloc[0]
        db.remove_coding(s, int(only["id"]), ann)  # its HSC11 coding loses its only source
        merged = new[new["sources"].map(len) == 2].iloc[0]
        org02 = src[src["code_id"] == "ORG02"].iloc[0]
        db.remove_coding(s, int(org02["id"]), ann)  # the merged HSC01 coding loses one of two sources
        ref = new[new["code_id"] == "REF04"].iloc[0]
        db.remove_coding(s, int(ref["id"]), ann)  # the researcher disagrees with one recoded passage
    rep = ch.refine(project, CW)
    assert (rep.added, rep.updated, rep.retired, rep.kept_removed) == (0, 1, 1, 1)
    with project.read() as s:
        now = db.codings_frame(s, framework_id="lvi21", with_text=False).set_index("id")
    assert now.loc[int(merged["id"]), "sources"] == [i for i in merged["sources"] if i != int(org02["id"])]
    assert "HSC11" not in set(now["code_id"])
    assert int(ref["id"]) not in now.index


def test_summaries_are_carried_over_for_the_researcher_to_merge(project):
    a = ch.set_summary(project, "lvi84", "P01", "ORG01", "Distance keeps referrals down.", author="ann",
                       status="reviewed")
    b = ch.set_summary(project, "lvi84", "P01", "ORG02", "Geography matters.", author="bob")
    c = ch.set_summary(project, "lvi84", "P03", "REF10", "Rejected referrals come back.", author="ann")
    ch.set_summary(project, "lvi21", "P03", "REF04", "My own text.", author="ann")  # written in the target
    rep = ch.refine(project, CW, actor="carl")
    assert (rep.summaries_carried, rep.summaries_kept) == (1, 1)
    m = ch.build_matrix(project, "lvi21")
    cell = m.cell("P01", "HSC01")
    assert cell.summary == ("[ORG01 Easy access to imaging] Distance keeps referrals down.\n\n"
                            "[ORG02 Geographical variation and distance] Geography matters.")
    assert (cell.status, cell.origin, cell.author, cell.sources) == ("draft", "carried", "carl", [a, b])
    assert m.cell("P03", "REF04").summary == "My own text."
    assert c not in (m.cell("P03", "REF04").sources or [])
    # quotes of drafted source summaries follow their codings into the target framework
    ch.set_summary(project, "lvi84", "P02", "CUL15", "Afraid of missing a tumour.", author="ann",
                   quotes=[int(q) for q in ch.build_matrix(project, "lvi84").cell("P02", "CUL15").quotes[0].coding_ids])
    ch.refine(project, CW)
    cell = ch.build_matrix(project, "lvi21").cell("P02", "HSC12")
    assert cell.summary == "Afraid of missing a tumour." and len(cell.cited_quotes()) == 1
    assert cell.cited_quotes()[0].coding_id == cell.summary_quotes[0]
    # the researcher merges the carried text: refinement leaves it alone from then on
    ch.set_summary(project, "lvi21", "P01", "HSC01", "Access and distance drive referrals.", author="ann")
    ch.set_summary(project, "lvi84", "P01", "ORG02", "Geography matters a lot.", author="bob")
    rep = ch.refine(project, CW)
    assert rep.summaries_kept == 2
    assert ch.build_matrix(project, "lvi21").cell("P01", "HSC01").summary == "Access and distance drive referrals."


def test_dry_run_reports_and_changes_nothing(project):
    state = _state(project)
    rep = ch.refine(project, CW, dry_run=True)
    assert rep.dry_run and rep.added == 11 and "dry run" in rep.text()
    assert _state(project) == state


def _bad_crosswalk(tmp_path, body: str):
    path = tmp_path / "cw.yaml"
    path.write_text("kind: crosswalk\nid: mine\nfrom: lvi84\nto: lvi21\nmap:\n" + body, encoding="utf-8")
    return path


def test_bad_crosswalks_are_refused_and_change_nothing(project, tmp_path):
    fw = proj.get_framework(project, "lvi84")
    full = "".join(f"  - {{from: {c.id}, to: HSC01}}\n" for c in fw.codes)
    state = _state(project)
    partial = _bad_crosswalk(tmp_path, full.split("\n", 1)[1])
    with pytest.raises(InputError, match=r"cw.yaml: crosswalk leaves 1 code\(s\) of 'lvi84' unmapped: ORG01"):
        ch.refine(project, partial)
    unknown = _bad_crosswalk(tmp_path, full.replace("{from: ORG05, to: HSC01}", "{from: ORG05, to: HSC99}"))
    with pytest.raises(InputError, match=r"cw.yaml, line 10: unknown code 'HSC99'"):
        ch.refine(project, unknown)
    stray = _bad_crosswalk(tmp_path, full + "  - {from: XYZ01, to: HSC01}\n")
    with pytest.raises(InputError, match="unknown code 'XYZ01'"):
        ch.refine(project, stray)
    with pytest.raises(NotFoundError, match="no crosswalk 'nope'"):
        ch.refine(project, "nope")
    assert _state(project) == state
    # a good file is added to the project and applied
    good = _bad_crosswalk(tmp_path, full)
    rep = ch.refine(project, good)
    assert rep.crosswalk_id == "mine" and "mine" in _state(project)[2]
    assert rep.targets.set_index("to_code").loc["HSC01", "codings"] == 10  # distinct spans x coder


def test_refining_an_empty_project_is_an_error(tmp_path):
    empty = proj.create(tmp_path / "empty.fa")
    with pytest.raises(InputError, match="empty.fa: no codings of framework 'lvi84'"):
        ch.refine(empty, CW)
    bare = proj.create(tmp_path / "bare.fa", shipped=False)
    with pytest.raises(NotFoundError):
        ch.refine(bare, CW)
