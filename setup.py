"""Packages of the distribution. Everything else is in ``pyproject.toml``.

Only here because ``pyproject.toml`` cannot both find packages and add two mapped ones: the repository's
``frameworks/`` and ``transcripts_sample/`` folders are shipped as the packages ``toolkit._data.frameworks`` and
``toolkit._data.sample`` (read by ``toolkit._data.folder`` through ``importlib.resources``).
"""

from setuptools import find_namespace_packages, setup

DATA = {"toolkit._data.frameworks": "frameworks", "toolkit._data.sample": "transcripts_sample"}

setup(packages=[*find_namespace_packages(include=["toolkit", "toolkit.*", "app", "app.*"],
                                         exclude=["*.__pycache__"]), *DATA],
      package_dir=DATA)
