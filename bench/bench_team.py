"""Load test of the team server: simulated coders against one PostgreSQL project, through the same toolkit calls the
Index page makes on every click (``indexing.review.transcript_view`` for the page, ``indexing.decisions`` accept,
reject and add_span for the buttons, ``indexing.workspace`` for the coder's place), then many CLI codings at once.
There is one decision log (the ``decision`` table): what is counted afterwards is what the app writes.

1. The sample study is copied into PostgreSQL (``toolkit.store.copy``), suggestions of the lvi21 framework are
   computed (fake embedder: quality does not matter here), a lead and ``--coders`` coder accounts are made, and each
   transcript is assigned to two coders (blind double coding).
2. ``--coders`` processes (one per coder, each with its own connection pool, as app sessions would have) log in and
   work for ``--seconds`` as the Index page does: the page (``view``: the transcript view, the coder's saved place),
   then accept, reject or add a code, each followed by the page's rerun, at human pace (exponential think time, mean
   ``--think`` s) with bursts (``--burst-prob`` of the steps are ``--burst`` quick actions in a row).
3. Every decision a coder was told succeeded is looked up in the database afterwards: ``lost`` counts those missing
   (must be 0) and ``extra`` rows nobody reported; ``rows`` counts the decision and coding rows in PostgreSQL.
4. ``--cli-procs`` processes each run ``--cli-codings`` ``python -m toolkit index code ...`` commands (through
   ``toolkit.cli.main``, in-process), all at once; the codings kept are counted.

Server memory: RSS (and USS, memory unique to each process) of the PostgreSQL server processes, sampled every second.
Traffic goes only to 127.0.0.1: by default a throwaway cluster is started (as in the tests); ``--server URL`` uses an
existing one (a database is created on it and left for inspection).

    python bench/bench_team.py [--seconds 300] [--coders 8] [--server postgresql://postgres@127.0.0.1:5432/]
                               [--cli-procs 8 --cli-codings 250] [--out bench_team.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

FRAMEWORK = "lvi21"
PASSWORD = "bench-password-"


def _pct(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] * 1000, 1)


def setup(url: str, coders: int) -> dict:
    from toolkit import team
    from toolkit.embed import FakeEmbedder
    from toolkit.indexing import service as sv
    from toolkit.sample import build_sample
    from toolkit.store import open_project
    from toolkit.store.copy import copy_project

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        build_sample(Path(tmp) / "sample.fa").close()
        rep = copy_project(Path(tmp) / "sample.fa", url)
    p = open_project(url)
    lead = team.add_user(p, "lead", PASSWORD + "lead", role="lead")
    names = [f"coder{i}" for i in range(coders)]
    for n in names:
        team.add_user(p, n, PASSWORD + n, role="coder", actor="lead")
    r = sv.suggest(p, FRAMEWORK, FakeEmbedder(64))
    transcripts = team.my_transcripts(p, lead)
    for j, tname in enumerate(transcripts):
        team.assign(p, lead, tname, [names[j % coders], names[(j + 1) % coders]])
    p.close()
    return {"copied_rows": rep.rows, "suggestions": r["suggestions"], "transcripts": len(transcripts),
            "setup_seconds": round(time.perf_counter() - t0, 1)}


def coder_worker(url: str, name: str, seconds: float, think: float, burst_prob: float, burst: int,
                 seed: int) -> dict:
    """One simulated coder: logs in, then reads and decides until the time is up. Returns what it was told."""
    from toolkit import overview, team
    from toolkit.indexing import decisions as dec
    from toolkit.indexing import review, workspace
    from toolkit.store import open_project

    rng = random.Random(seed)
    p = open_project(url)
    lat: dict[str, list[float]] = {"login": [], "view": [], "accept": [], "reject": [], "add": []}
    errors: dict[str, int] = {}
    written = {"accept": [], "reject": [], "add": []}  # coding ids / suggestion ids the toolkit confirmed

    def timed(kind, fn, *args, **kwargs):
        """(True, result) when the toolkit call returned, (False, None) when it raised (counted by type)."""
        t = time.perf_counter()
        try:
            out = fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - every failure is counted and reported by type
            errors[f"{kind}:{type(e).__name__}"] = errors.get(f"{kind}:{type(e).__name__}", 0) + 1
            return False, None
        lat[kind].append(time.perf_counter() - t)
        return True, out

    def page(tname: str):
        """One run of the Index page for this coder (what a rerun after a click costs the server)."""
        overview.version(p)
        view = review.transcript_view(p, FRAMEWORK, tname, name)
        workspace.get_position(p, name, FRAMEWORK)
        return view

    ok, user = timed("login", team.authenticate, p, name, PASSWORD + name)
    if not ok:
        return {"name": name, "latency": lat, "errors": errors, "written": written}
    mine = team.my_transcripts(p, user)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        n = burst if rng.random() < burst_prob else 1
        tname = rng.choice(mine)
        ok, view = timed("view", page, tname)
        if not ok:
            continue
        pas = view["passages"]
        open_ids = [sg["id"] for x in pas for sg in x["suggestions"] if sg["state"] == "open"]
        rng.shuffle(open_ids)
        for _ in range(n):
            if time.monotonic() >= deadline:
                break
            what = rng.choices(["accept", "reject", "add"], weights=[45, 35, 20])[0]
            if what in ("accept", "reject") and open_ids:
                sid = int(open_ids.pop())
                fn = dec.accept if what == "accept" else dec.reject
                if timed(what, fn, p, sid, coder=name)[0]:
                    written[what].append(sid)
            else:
                row = pas[rng.randrange(len(pas))]
                a = int(row["start"]) + rng.randrange(max(1, int(row["end"]) - int(row["start"]) - 1))
                b = min(int(row["end"]), a + rng.randint(5, 120))
                code = rng.choice(CODES)
                ok, cids = timed("add", dec.add_span, p, FRAMEWORK, tname, a, b, [code], coder=name,
                                 passage_id=row["id"])
                if ok:
                    written["add"].append(int(cids[0]))
            if n > 1:  # a burst: the page reruns after each click
                timed("view", page, tname)
        time.sleep(rng.expovariate(1.0 / think) if n == 1 else 0.05)
    p.close()
    return {"name": name, "latency": lat, "errors": errors, "written": written}


CODES: list[str] = []


def _init_codes(url: str) -> None:
    from toolkit import project as proj
    from toolkit.store import open_project

    with open_project(url) as p:
        CODES[:] = [c.id for c in proj.get_framework(p, FRAMEWORK).codes]


def coder_main(args: tuple) -> dict:
    url = args[0]
    _init_codes(url)
    return coder_worker(*args)


def cli_worker(url: str, i: int, n: int, transcripts: list[tuple[str, int]]) -> dict:
    from toolkit.cli import main

    _init_codes(url)
    rng = random.Random(1000 + i)
    lat, fails = [], 0
    for k in range(n):
        tname, length = transcripts[(i + k) % len(transcripts)]
        a = rng.randrange(0, max(1, length - 200))
        t = time.perf_counter()
        try:
            rc = main(["index", "code", url, tname, str(a), str(a + rng.randint(10, 150)), rng.choice(CODES),
                       "--framework", FRAMEWORK, "--coder", f"cli{i}"])
        except SystemExit as e:  # a usage error: counted, never a hung pool
            rc = e.code or 2
        lat.append(time.perf_counter() - t)
        fails += rc != 0
    return {"latency": lat, "failed": fails}


def cli_main(args: tuple) -> dict:
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return cli_worker(*args)


class MemorySampler(threading.Thread):
    """Samples the summed RSS and USS of the PostgreSQL server processes (the postmaster and its children)."""

    def __init__(self, postmaster_pid: int | None):
        super().__init__(daemon=True)
        self.pid, self.stop_flag, self.samples = postmaster_pid, threading.Event(), []

    def sample(self) -> dict | None:
        import psutil

        if self.pid is None:
            return None
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return None
        rss = uss = 0
        for pr in procs:
            try:
                info = pr.memory_full_info()
                rss, uss = rss + info.rss, uss + info.uss
            except psutil.Error:
                continue
        return {"processes": len(procs), "rss_mb": round(rss / 2**20, 1), "uss_mb": round(uss / 2**20, 1)}

    def run(self) -> None:
        while not self.stop_flag.wait(1.0):
            s = self.sample()
            if s:
                self.samples.append(s)


def postmaster_pid(url: str) -> int | None:
    from sqlalchemy import create_engine, text

    from toolkit.store.backend import location

    eng = create_engine(location(url).url, future=True)
    try:
        with eng.connect() as c:
            data_dir = c.scalar(text("SHOW data_directory"))
        return int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
    except Exception:  # noqa: BLE001 - no permission to read the file, another machine...: memory not reported
        return None
    finally:
        eng.dispose()


def verify(url: str, results: list[dict], cli: list[dict], cli_n: int) -> dict:
    """Look up, in the database, every decision and coding the workers were told was written."""
    from toolkit.store import core as db
    from toolkit.store import decisions as ddb
    from toolkit.store import open_project

    with open_project(url) as p, p.read() as s:
        codings = db.codings_frame(s, framework_id=FRAMEWORK, with_text=False)
        decisions = ddb.decisions_frame(s, FRAMEWORK)
        rows = {"decision": db.count(s, "decision"), "coding": db.count(s, "coding"),
                "event": db.count(s, "event")}
    out = {"written": {}, "lost": {}, "extra": {}}
    for kind in ("accept", "reject", "add"):
        told = set()
        found = set()
        for r in results:
            ids = r["written"][kind]
            if kind == "add":
                told |= {(r["name"], i) for i in ids}
                have = set(codings.loc[(codings["coder"] == r["name"]) & (codings["origin"] == "manual"), "id"])
                found |= {(r["name"], i) for i in have}
            else:
                told |= {(r["name"], i) for i in ids}
                d = decisions[(decisions["coder"] == r["name"]) & (decisions["kind"] == kind)]
                found |= {(r["name"], int(i)) for i in d["suggestion_id"]}
        out["written"][kind], out["lost"][kind], out["extra"][kind] = len(found), len(told - found), len(found - told)
    accepted_codings = codings[codings["origin"] == "suggestion"]
    out["accept_codings_match"] = int(len(accepted_codings)) == out["written"]["accept"]
    cli_rows = int(codings["coder"].str.startswith("cli").sum())
    out["rows_in_database"] = rows
    out["decision_rows_by_kind"] = {str(k): int(v) for k, v in decisions["kind"].value_counts().items()}
    out["cli"] = {"commands": len(cli) * cli_n, "failed": sum(c["failed"] for c in cli), "kept": cli_rows}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=300.0)
    ap.add_argument("--coders", type=int, default=8)
    ap.add_argument("--think", type=float, default=3.0, help="mean seconds between a coder's actions")
    ap.add_argument("--burst-prob", type=float, default=0.1)
    ap.add_argument("--burst", type=int, default=10)
    ap.add_argument("--cli-procs", type=int, default=8)
    ap.add_argument("--cli-codings", type=int, default=250)
    ap.add_argument("--server", help="an existing PostgreSQL server URL on 127.0.0.1 (default: a throwaway one)")
    ap.add_argument("--out")
    a = ap.parse_args()

    cluster = None
    if a.server:
        from toolkit.store.backend import location

        host = location(a.server).url.host
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"--server must be on this machine (127.0.0.1), not {host}")
        url = str(location(a.server).url.set(database=f"bench_team_{uuid.uuid4().hex[:8]}")
                  .render_as_string(hide_password=False)).replace("postgresql+psycopg://", "postgresql://")
    else:
        from pg_cluster import Cluster, pg_bin

        if pg_bin() is None:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql), and no --server was given")
        cluster = Cluster(pg_bin()).start()
        url = cluster.new_url("bench_team")
    try:
        report = {"bench": "team", "seconds": a.seconds, "coders": a.coders, "think_s": a.think,
                  "burst_prob": a.burst_prob, "burst": a.burst}
        report["setup"] = setup(url, a.coders)
        sampler = MemorySampler(postmaster_pid(url))
        report["server_memory_idle"] = sampler.sample()
        sampler.start()
        ctx = mp.get_context("spawn")
        t0 = time.perf_counter()
        with ctx.Pool(a.coders) as pool:
            jobs = [(url, f"coder{i}", a.seconds, a.think, a.burst_prob, a.burst, i) for i in range(a.coders)]
            results = pool.map(coder_main, jobs)
        report["coders_wall_s"] = round(time.perf_counter() - t0, 1)
        during = list(sampler.samples)
        from toolkit.store import open_project

        with open_project(url) as p:
            from toolkit.store import core as db

            with p.read() as s:
                trs = [(t["name"], len(db.transcript_text(s, t["id"]))) for t in db.transcripts(s)]
        t1 = time.perf_counter()
        with ctx.Pool(a.cli_procs) as pool:
            cli = pool.map(cli_main, [(url, i, a.cli_codings, trs) for i in range(a.cli_procs)])
        report["cli_wall_s"] = round(time.perf_counter() - t1, 1)
        sampler.stop_flag.set()
        sampler.join()
        lat = {k: [] for k in ("login", "view", "accept", "reject", "add")}
        errors: dict[str, int] = {}
        for r in results:
            for k, v in r["latency"].items():
                lat[k] += v
            for k, v in r["errors"].items():
                errors[k] = errors.get(k, 0) + v
        report["actions"] = {k: len(v) for k, v in lat.items()}
        report["latency_ms"] = {k: {"p50": _pct(v, 0.5), "p95": _pct(v, 0.95), "max": _pct(v, 1.0)}
                                for k, v in lat.items()}
        report["errors"] = errors
        report["check"] = verify(url, results, cli, a.cli_codings)
        cl = [x for c in cli for x in c["latency"][1:]]  # the first command of a process also imports the toolkit
        first = [c["latency"][0] for c in cli if c["latency"]]
        report["cli_latency_ms"] = {"p50": _pct(cl, 0.5), "p95": _pct(cl, 0.95), "max": _pct(cl, 1.0),
                                    "first_command_p50": _pct(first, 0.5)}
        peak = max(during, key=lambda s: s["rss_mb"]) if during else None
        report["server_memory_peak"] = peak
        report["server_memory_peak_uss"] = max(during, key=lambda s: s["uss_mb"]) if during else None
        report["load_average_1_5_15"] = [round(x, 1) for x in os.getloadavg()]
        report["cpus"] = os.cpu_count()
        report["decisions_written"] = sum(report["check"]["written"].values())
        report["decisions_lost"] = sum(report["check"]["lost"].values())
    finally:
        if cluster is not None:
            cluster.stop()
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if a.out:
        Path(a.out).write_text(text + "\n")
    return 0 if report["decisions_lost"] == 0 and report["check"]["cli"]["kept"] == a.cli_procs * a.cli_codings \
        else 1


if __name__ == "__main__":
    sys.exit(main())
