"""Helpers shared by the CLI modules: opening projects, progress bars, tables."""

from __future__ import annotations

import sys
from collections.abc import Callable

from ..store import Project, open_project

_opened: list[Project] = []


def open_(path: str) -> Project:
    """Open a project for this command; ``close_opened`` (called by ``main`` when the command ends) closes it, so a
    process running many commands (a load test, a script) holds no database connections between them."""
    project = open_project(path)
    _opened.append(project)
    return project


def close_opened() -> None:
    while _opened:
        _opened.pop().close()


def progress_bar(desc: str) -> Callable[..., None]:
    """A tqdm bar on stderr, fed by the toolkit's ``progress(done, total, ...)`` callbacks."""
    from tqdm import tqdm

    state: dict = {}

    def update(done: int, total: int, *_label) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = tqdm(total=total, desc=desc, file=sys.stderr, leave=False)
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()
            state.pop("bar", None)

    return update


def print_warnings(warnings: list[str], verbose: bool = False) -> None:
    """One line with the count (and the first warning) unless ``verbose``, which lists every warning."""
    if not warnings:
        return
    if verbose or len(warnings) == 1:
        for w in warnings:
            print(f"warning: {w}")
        return
    print(f"{len(warnings)} warnings (first: {warnings[0]}); --verbose lists them all")


def verbose_arg(p) -> None:
    p.add_argument("--verbose", "-v", action="store_true", help="list every warning (default: one line with a count)")


def print_table(rows: list[dict], columns: list[str] | None = None) -> None:
    if not rows:
        print("(none)")
        return
    columns = columns or list(rows[0])
    widths = {c: max(len(str(c)), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(str(c).ljust(widths[c]) for c in columns))
    for r in rows:
        print("  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns))


def framework_arg(project_path: str | None, framework_id: str):
    """A framework from a project (when ``--project`` is given) or from the shipped ``frameworks/`` folder."""
    from .. import frameworks as fwio
    from .. import project as proj
    from ..errors import InputError

    if project_path:
        return proj.get_framework(open_(project_path), framework_id)
    folder = fwio.load_folder(fwio.SHIPPED_DIR)
    if framework_id not in folder.frameworks:
        raise InputError(fwio.SHIPPED_DIR, f"no framework {framework_id!r} (known: {', '.join(folder.frameworks)})")
    return folder.frameworks[framework_id]


def keep_framework(fw, *, project_path: str | None, yaml_path: str | None) -> None:
    """Write an imported framework as YAML and/or add it to a project, saying what was done."""
    from .. import frameworks as fwio
    from .. import project as proj

    if yaml_path:
        fwio.write_framework_yaml(fw, yaml_path)
        print(f"wrote {yaml_path}")
    if project_path:
        proj.add_framework(open_(project_path), fw)
        print(f"added framework {fw.id}: {len(fw.codes)} codes, {len(fw.categories)} categories")
    if not (yaml_path or project_path):
        print(f"{fw.id}: {len(fw.codes)} codes, {len(fw.categories)} categories (use --project or --yaml to keep it)")


def who(default: str = "researcher") -> str:
    """The name of the person at the terminal (the login name), recorded on what a command writes."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return default


def embedder(project: Project, model: str | None = None):
    """The embedder a command uses: ``--model`` when given, else the project's model as the app, the background
    worker and teaching decide it (``toolkit.settings.model_choice``); says on stderr which one it loads."""
    from ..embed import load_embedder
    from ..settings import model_choice

    if model:
        print(f"loading the embedding model {model}...", file=sys.stderr)
        return load_embedder(model)
    choice = model_choice(project)  # decided once: the name printed is the model loaded
    print(f"loading the embedding model {choice.name}...", file=sys.stderr)
    return load_embedder(choice.model)
