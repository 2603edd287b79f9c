"""Bad .qdpx input: a clear InputError naming the element, and nothing imported (the project is unchanged and a
project file the import would have created does not exist)."""

import zipfile
from pathlib import Path

import pytest

from toolkit import project as proj
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.exchange.qdpx_load import import_qdpx
from toolkit.store import core as db
from toolkit.store import open_project

NS = 'xmlns="urn:QDA-XML:project:1.0"'
CODE = "C0DE0000-0000-4000-8000-000000000001"
SRC = "5E1D7A30-0000-4000-8000-000000000001"
TEXT = b"I: Why?\nP: Because it is far.\n"


def make_qdpx(path: Path, qde: str | bytes | None, files: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        if qde is not None:
            z.writestr("project.qde", qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (files or {}).items():
            z.writestr(name, data)
    return path


def project_xml(selection: str = "", path: str = f"internal://{SRC}.txt", code_guid: str = CODE) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project {NS} name="bad"><Users><User guid="00000000-0000-4000-8000-000000000001" name="Kari"/></Users>
<CodeBook><Codes><Code guid="{CODE}" name="Alpha" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="{SRC}" name="doc.txt" plainTextPath="{path}">{selection}</TextSource></Sources></Project>"""


def selection(start=11, end=18, code_guid=CODE) -> str:
    return (f'<PlainTextSelection guid="5E1EC700-0000-4000-8000-0000000000AA" startPosition="{start}" '
            f'endPosition="{end}"><Coding guid="C0D10000-0000-4000-8000-0000000000BB"><CodeRef '
            f'targetGUID="{code_guid}"/></Coding></PlainTextSelection>')


GOOD = {f"Sources/{SRC}.txt": TEXT}


@pytest.fixture(scope="module")
def existing(tmp_path_factory):
    """A project with one transcript and one coding, to check that a failed import leaves it as it was."""
    d = tmp_path_factory.mktemp("existing")
    (d / "P01.txt").write_text("I: Hello?\nP01: Hello, I am a GP.\n", encoding="utf-8")
    p = proj.create(d / "p.fa")
    proj.import_transcripts(p, d / "P01.txt")
    p.close()
    return d / "p.fa"


def state(path: Path) -> dict:
    with open_project(path) as p, p.read() as s:
        return {k: db.count(s, k) for k in ("participant", "transcript", "segment", "framework", "coding", "memo",
                                            "event")} | {"coders": db.list_coders(s)}


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def cases(tmp: Path):
    bomb = b"\0" * (5 << 20)
    return [
        ("not a zip", lambda: write(tmp / "a.qdpx", b"PK? not a zip"), "not a zip archive", None),
        ("no project.qde", lambda: make_qdpx(tmp / "b.qdpx", None, GOOD), "no project.qde", None),
        ("malformed XML", lambda: make_qdpx(tmp / "c.qdpx", project_xml()[:-20], GOOD), "malformed XML", "line"),
        ("external entity", lambda: make_qdpx(tmp / "d.qdpx", project_xml().replace(
            '<?xml version="1.0" encoding="utf-8"?>',
            '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY e SYSTEM "file:///etc/passwd">]>').replace(
            'name="Kari"', 'name="&e;"'), GOOD), "DOCTYPE|external entity", None),
        ("zip bomb ratio", lambda: make_qdpx(tmp / "e.qdpx", project_xml(), {**GOOD, "Sources/zeros.txt": bomb}),
         "zip bomb", "Sources/zeros.txt"),
        ("path climbing out", lambda: make_qdpx(tmp / "f.qdpx", project_xml(), {**GOOD, "../../evil.txt": b"x"}),
         "climbs out", "../../evil.txt"),
        ("absolute path", lambda: make_qdpx(tmp / "g.qdpx", project_xml(), {**GOOD, "/etc/evil.txt": b"x"}),
         "climbs out", "/etc/evil.txt"),
        ("source path climbing out", lambda: make_qdpx(tmp / "h.qdpx", project_xml(path="internal://../../etc/passwd"),
                                                       GOOD), "climbs out", "TextSource 'doc.txt'"),
        ("coding outside its source", lambda: make_qdpx(tmp / "i.qdpx", project_xml(selection(11, 500)), GOOD),
         "coding outside its source", "5E1EC700-0000-4000-8000-0000000000AA"),
        ("unknown code GUID", lambda: make_qdpx(tmp / "j.qdpx", project_xml(selection(
            code_guid="DEADBEEF-0000-4000-8000-000000000000")), GOOD), "unknown code GUID "
         "DEADBEEF-0000-4000-8000-000000000000", "Coding"),
        ("selection ends before it starts", lambda: make_qdpx(tmp / "k.qdpx", project_xml(selection(18, 11)), GOOD),
         "ends .* before it starts", "PlainTextSelection"),
        ("missing source file", lambda: make_qdpx(tmp / "l.qdpx", project_xml(selection())), "no such file in the "
         "archive", "TextSource 'doc.txt'"),
        ("not a project", lambda: make_qdpx(tmp / "m.qdpx", f"<CodeBook {NS}/>", GOOD), "expected <Project>", None),
        ("position not a number", lambda: make_qdpx(tmp / "n.qdpx", project_xml(selection(start="x")), GOOD),
         "startPosition must be a whole number", "PlainTextSelection"),
        ("binary source", lambda: make_qdpx(tmp / "o.qdpx", project_xml(selection()),
                                            {f"Sources/{SRC}.txt": b"\x00\x01\x02garbage\x00"}), "binary", None),
    ]


@pytest.mark.parametrize("index", range(15))
def test_bad_archive_is_refused_and_nothing_is_imported(tmp_path, existing, index):
    what, build, message, place = cases(tmp_path)[index]
    path = build()
    before = state(existing)
    with pytest.raises(InputError, match=message) as e:
        import_qdpx(path, existing)
    assert str(path) in str(e.value), what
    if place:
        assert place in str(e.value), (what, str(e.value))
    assert state(existing) == before, what
    new = tmp_path / "new.fa"
    with pytest.raises(InputError):
        import_qdpx(path, new)
    assert not new.exists() and not Path(str(new) + "-wal").exists(), what


def test_total_size_limit(tmp_path):
    path = make_qdpx(tmp_path / "big.qdpx", project_xml(selection()), GOOD)
    with pytest.raises(InputError, match="unpacks to more than 100 bytes"):
        import_qdpx(path, tmp_path / "p.fa", max_total=100)
    assert not (tmp_path / "p.fa").exists()
    import_qdpx(path, tmp_path / "p.fa")  # within the default limit
    assert state(tmp_path / "p.fa")["coding"] == 1


def test_a_second_import_of_the_same_transcripts_is_refused_whole(tmp_path):
    path = make_qdpx(tmp_path / "ok.qdpx", project_xml(selection()), GOOD)
    import_qdpx(path, tmp_path / "p.fa")
    before = state(tmp_path / "p.fa")
    with pytest.raises(InputError, match="a transcript named 'doc.txt' is already in the project") as e:
        import_qdpx(path, tmp_path / "p.fa")
    assert "TextSource 'doc.txt'" in str(e.value)
    assert state(tmp_path / "p.fa") == before


def test_a_framework_that_differs_from_the_projects_is_refused(tmp_path):
    """A file carrying the toolkit's framework 'lvi21' with a changed definition cannot be merged into a project
    whose 'lvi21' differs; into a new project file it imports (the shipped 'lvi21' is left out there)."""
    from toolkit.exchange.qdpx_write import export_qdpx
    from toolkit.store import core

    p = proj.create(tmp_path / "src.fa")
    with p.transaction() as s:
        core.update_code(s, "lvi21", "HSC01", definition="Changed here.")
    export_qdpx(p, tmp_path / "x.qdpx", frameworks=["lvi21"])
    p.close()
    target = proj.create(tmp_path / "target.fa")
    target.close()
    before = state(tmp_path / "target.fa")
    with pytest.raises(InputError, match="framework 'lvi21' differs"):
        import_qdpx(tmp_path / "x.qdpx", tmp_path / "target.fa")
    assert state(tmp_path / "target.fa") == before
    rep = import_qdpx(tmp_path / "x.qdpx", tmp_path / "new.fa")
    assert rep.frameworks_added == ["lvi21"]
    with open_project(tmp_path / "new.fa") as q, q.read() as s:
        assert core.get_framework(s, "lvi21").code("HSC01").definition == "Changed here."
        assert core.framework_ids(s) == ["lvi21", "lvi84"]


def test_cli_reports_bad_input_with_exit_status_2(tmp_path, capsys):
    path = make_qdpx(tmp_path / "j.qdpx", project_xml(selection(code_guid="DEADBEEF-0000-4000-8000-000000000000")),
                     GOOD)
    assert main(["qdpx", "import", str(path), str(tmp_path / "p.fa")]) == 2
    err = capsys.readouterr().err
    assert "unknown code GUID DEADBEEF-0000-4000-8000-000000000000" in err and "j.qdpx" in err
    assert not (tmp_path / "p.fa").exists()
