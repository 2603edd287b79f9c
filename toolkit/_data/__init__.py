"""Data shipped inside the package: the coding frameworks and the sample study.

The repository keeps them at its root, ``frameworks/`` and ``transcripts_sample/``. A wheel (``pip install .``) ships
them as ``toolkit/_data/frameworks/`` and ``toolkit/_data/sample/`` (``setup.py`` maps the two folders to the packages
``toolkit._data.frameworks`` and ``toolkit._data.sample``; ``pyproject.toml`` lists their files as package data).
:func:`folder` finds them with :mod:`importlib.resources` in an installed package, and beside ``toolkit/`` in a source
checkout or an editable install (where only ``toolkit`` itself is mapped).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import ToolkitError

#: shipped name -> the folder of the repository it comes from
IN_REPOSITORY = {"frameworks": "frameworks", "sample": "transcripts_sample"}


def folder(name: str) -> Path:
    """The folder of shipped data ``name`` ("frameworks" or "sample") as a real directory.

    The installed package's copy first; else the repository's folder beside ``toolkit/``. When neither exists the
    repository's path is returned, so whoever reads it reports the missing folder by name.
    """
    if name not in IN_REPOSITORY:
        raise ValueError(f"no shipped data {name!r} (known: {', '.join(IN_REPOSITORY)})")
    shipped = resources.files(__name__).joinpath(name)
    if shipped.is_dir():
        if not isinstance(shipped, Path):
            raise ToolkitError(f"the toolkit's data folder {name!r} is inside an archive ({shipped}); "
                               "install the package unpacked (pip does) to read it")
        return shipped
    return Path(__file__).resolve().parent.parent.parent / IN_REPOSITORY[name]
