"""Provenance links (summary quotes, key-element quotes, coding sources) as link tables with foreign keys, the
migration that carries the old JSON lists over, one insert path per entity, and typed event actions."""

import ast
import json
import sqlite3
from pathlib import Path

import pytest
from mapping_fixtures import add_summaries, build
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from toolkit.errors import NotFoundError
from toolkit.store import Action, links, open_project
from toolkit.store import charting as cdb
from toolkit.store import core as db
from toolkit.store import mapping as mdb
from toolkit.store.migrate import current_revision, downgrade, head_revision

ROOT = Path(__file__).resolve().parents[2]
TEXTS = {("P1", "S1"): "Close to the scanner.", ("P2", "S2"): "Paid per exam.", ("P2", "S1"): "Short lists.",
         ("P3", "C1"): "Afraid to miss."}


@pytest.fixture
def linked(tmp_path):
    """A project with summaries quoting codings, key elements quoting codings and consensus codings with sources;
    returns it with what each list holds (read through the repository)."""
    p, _ = build(tmp_path)
    ids = add_summaries(p, TEXTS)
    with p.transaction(Action.MAP_ADD_ELEMENT) as s:
        src = db.codings_frame(s, framework_id="src", with_text=False)
        quotes = {sid: cdb.get_summary(s, "cond", pid, db.code_pks(s, "cond")[code])["quotes"]
                  for (pid, code), sid in ids.items()}
        elements = {}
        for sid, q in quotes.items():
            elements[mdb.add_key_element(s, "cond", f"element of {sid}", summary_id=sid, quotes=q[::-1])] = q[::-1]
        cid = db.coder_id(s, "consensus")
        sources = {}
        for r in src.head(3).itertuples():
            srcs = [int(x) for x in src[src["transcript_id"] == r.transcript_id]["id"].head(3)][::-1]
            new = db.add_coding(s, transcript_id=int(r.transcript_id), start=int(r.start), end=int(r.end),
                                code_pk=int(r.code_pk), coder=cid, origin="consensus", batch="consensus:t",
                                sources=srcs)
            sources[new] = srcs
    assert all(len(q) >= 1 for q in quotes.values()) and any(len(q) > 1 for q in quotes.values())
    return p, quotes, elements, sources


def _read_lists(p):
    with p.read() as s:
        quotes = {int(r.id): r.quotes for r in cdb.summaries_frame(s, "cond").itertuples()}
        elements = {int(r.id): r.quotes for r in mdb.key_elements_frame(s, "cond").itertuples()}
        codings = db.codings_frame(s, coders=["consensus"], with_text=False)
        sources = {int(r.id): r.sources for r in codings.itertuples()}
    return quotes, elements, sources


def test_lists_read_back_in_order_through_every_reader(linked):
    p, quotes, elements, sources = linked
    assert _read_lists(p) == (quotes, elements, sources)
    with p.read() as s:
        for sid, q in quotes.items():
            assert mdb.summary_quotes(s, sid) == q
        for eid, q in elements.items():
            assert mdb.element(s, eid)["quotes"] == q
        from toolkit.store import qdpx as qdb

        assert {d["id"]: d["quotes"] for d in qdb.summaries(s, ["cond"])} == quotes
        assert {d["id"]: d["quotes"] for d in qdb.key_elements(s, ["cond"])} == elements
        assert {c["id"]: c["sources"] for c in cdb.batch_codings(s, "consensus:t")} == sources


def test_put_summary_replaces_the_list_and_keeps_one_of_each(linked):
    p, quotes, _, _ = linked
    sid, q = next((k, v) for k, v in quotes.items() if len(v) > 1)
    with p.transaction(Action.SUMMARY_SET) as s:
        row = next(r for r in cdb.summaries_frame(s, "cond").itertuples() if r.id == sid)
        cdb.put_summary(s, framework_id="cond", participant_id=row.participant_id, code_pk=int(row.code_pk),
                        text="new", status="draft", origin="manual", quotes=[q[-1], q[0], q[-1]], author_id=None)
    with p.read() as s:
        assert mdb.summary_quotes(s, sid) == [q[-1], q[0]]


def test_foreign_keys_refuse_a_link_to_a_missing_coding(linked):
    p, quotes, elements, sources = linked
    sid, eid, cid = next(iter(quotes)), next(iter(elements)), next(iter(sources))
    for table, owner, target, owner_id in [("summary_quote", "summary_id", "coding_id", sid),
                                           ("key_element_quote", "key_element_id", "coding_id", eid),
                                           ("coding_source", "coding_id", "source_id", cid)]:
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            with p.engine.begin() as c:
                c.execute(text(f"INSERT INTO {table}({owner}, {target}, position) VALUES (:o, 999999, 9)"),
                          {"o": owner_id})
    # below the repository's own check, the foreign key is what refuses
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        with p.transaction() as s:
            links.set_links(s, links.SUMMARY_QUOTES, sid, [999999], check=False)
    # the repository names the missing coding, and nothing is half-written
    with pytest.raises(NotFoundError, match="999999"):
        with p.transaction(Action.MAP_ADD_ELEMENT) as s:
            mdb.add_key_element(s, "cond", "dangling", quotes=[999999])
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        with p.transaction(Action.CROSSWALK_REFINE) as s:
            cdb.set_coding_sources(s, cid, [999999])
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        with p.transaction(Action.SUMMARY_SET) as s:
            row = cdb.summaries_frame(s, "cond").iloc[0]
            cdb.put_summary(s, framework_id="cond", participant_id=row.participant_id, code_pk=int(row.code_pk),
                            text="changed", status="draft", origin="manual", quotes=[999999], author_id=None)
    assert _read_lists(p) == (quotes, elements, sources)


def test_deleting_either_end_deletes_the_link(linked):
    p, quotes, elements, sources = linked
    sid = next(iter(quotes))
    gone = quotes[sid][0]
    with p.transaction(Action.SUMMARY_SET) as s:
        cdb.delete_summary(s, sid)
    with p.engine.begin() as c:
        assert c.execute(text("SELECT count(*) FROM summary_quote WHERE summary_id = :s"), {"s": sid}).scalar() == 0
        c.execute(text("DELETE FROM coding WHERE id = :c"), {"c": gone})  # a hard delete (a transcript removed)
    q2, e2, s2 = _read_lists(p)
    assert sid not in q2 and all(gone not in v for v in [*q2.values(), *e2.values(), *(x or [] for x in s2.values())])
    assert e2 == {eid: [c for c in v if c != gone] for eid, v in elements.items() if eid in e2}


def _as_old_project(p, path):
    """Take the project back to revision 0002 (JSON lists) and add one id naming no coding to each kind of list."""
    downgrade(p.engine, "0002")
    assert current_revision(p.engine) == "0002"
    with p.engine.begin() as c:
        for table, column in [("summary", "quotes"), ("key_element", "quotes"), ("coding", "sources")]:
            owner, value = c.execute(text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL "
                                          f"AND {column} != '[]' ORDER BY id LIMIT 1")).one()
            c.execute(text(f"UPDATE {table} SET {column} = :v WHERE id = :i"),
                      {"v": json.dumps(json.loads(value) + [999999]), "i": owner})
        assert "summary_quote" not in {r[0] for r in c.execute(text("SELECT name FROM sqlite_master"))}
    p.close()


@pytest.mark.parametrize("native_drop_column", [True, False], ids=["sqlite>=3.35", "older-sqlite-rebuild"])
def test_project_at_0002_upgrades_with_every_link_kept(linked, tmp_path, monkeypatch, native_drop_column):
    p, quotes, elements, sources = linked
    path = p.path
    _as_old_project(p, path)
    with sqlite3.connect(path) as con:  # the old project really holds the lists as JSON
        stored = {i: json.loads(v) for i, v in con.execute("SELECT id, quotes FROM summary")}
    assert {i: v[:len(quotes[i])] for i, v in stored.items()} == quotes
    if not native_drop_column:  # SQLite before 3.35 has no DROP COLUMN: alembic rebuilds the tables instead
        monkeypatch.setattr(sqlite3.dbapi2, "sqlite_version_info", (3, 34, 1))
        monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 34, 1))
    q = open_project(path)
    monkeypatch.undo()
    assert current_revision(q.engine) == head_revision()
    assert (path.parent / (path.name + ".bak")).is_file()
    assert _read_lists(q) == (quotes, elements, sources)
    with q.read() as s:
        ev = db.events_frame(s)
    migrated = ev[ev["action"] == Action.PROJECT_MIGRATE].iloc[0]["payload"]
    assert migrated["ids_dropped"] == {"summary_quote": 1, "key_element_quote": 1, "coding_source": 1}
    assert migrated["links_kept"] == {"summary_quote": sum(map(len, quotes.values())),
                                      "key_element_quote": sum(map(len, elements.values())),
                                      "coding_source": sum(map(len, sources.values()))}
    with q.engine.connect() as c:
        assert c.execute(text("PRAGMA foreign_key_check")).all() == []
        cols = {r[1] for r in c.execute(text("PRAGMA table_info(summary)"))}
    assert "quotes" not in cols
    q.close()


# --- typed event actions ------------------------------------------------------------------------------------------


def test_unknown_action_is_refused_before_anything_happens(tmp_path):
    from toolkit.store import init_project

    p = init_project(tmp_path / "a.fa")
    ran = []
    with pytest.raises(ValueError, match="unknown event action 'participant.frobnicate'"):
        with p.transaction("participant.frobnicate") as s:
            ran.append(1)
            db.upsert_participant(s, "P01")
    assert ran == []
    with p.transaction("participants.import") as s:  # a member's stored string is the member
        db.upsert_participant(s, "P01")
    with p.engine.begin() as c:  # an event written by an older toolkit, with an action no longer listed
        c.execute(text("INSERT INTO event(at, actor, action, payload) VALUES ('2025-01-01 00:00:00', 'x', "
                       "'legacy.thing', '{}')"))
    with p.read() as s:
        assert db.participants(s)[0]["id"] == "P01"
        assert list(db.events_frame(s)["action"]) == ["legacy.thing", "participants.import", "project.init"]
    assert Action.PARTICIPANTS_IMPORT == "participants.import" and isinstance(Action.SUGGEST, str)


def _calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node


def test_every_transaction_call_site_names_an_action_member():
    bad = []
    for path in [*ROOT.glob("toolkit/**/*.py"), *ROOT.glob("app/**/*.py"), *ROOT.glob("bench/*.py")]:
        for call in _calls(path):
            if call.func.attr == "transaction" and call.args:
                arg = call.args[0]
                if isinstance(arg, ast.Constant | ast.JoinedStr | ast.BinOp):
                    bad.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert bad == [], f"transaction() given a string, not an Action member: {bad}"


def test_one_insert_path_per_entity():
    """Every ORM row class is constructed in one function of toolkit/ (its repository function)."""
    from toolkit.store import schema

    models = {m.class_.__name__ for m in schema.Base.registry.mappers}
    places: dict[str, set[str]] = {}
    for path in ROOT.glob("toolkit/**/*.py"):
        if path.name == "schema.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules, direct = set(), {}  # names the schema module goes by; row classes imported by name
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for a in node.names:
                    if a.name == "schema":
                        modules.add(a.asname or a.name)
                    elif (node.module or "").endswith("schema") and a.name in models:
                        direct[a.asname or a.name] = a.name
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for node in ast.walk(fn):
                if not isinstance(node, ast.Call):
                    continue
                f = node.func
                if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in modules:
                    name = f.attr
                elif isinstance(f, ast.Name) and f.id in direct:
                    name = direct[f.id]
                else:
                    continue
                if name in models:
                    places.setdefault(name, set()).add(f"{path.relative_to(ROOT)}:{fn.name}")
    assert places["Dimension"] == {"toolkit/store/mapping.py:add_dimension"}
    assert places["MapCategory"] == {"toolkit/store/mapping.py:add_map_category"}
    assert places["Summary"] == {"toolkit/store/charting.py:put_summary"}
    many = {m: sorted(p) for m, p in places.items() if len(p) > 1}
    assert many == {}, f"inserted by more than one function: {many}"
