"""Packages of the distribution. Everything else is in ``pyproject.toml``.

Only here because ``pyproject.toml`` cannot both find packages and add mapped ones. The repository keeps the design
card's layout (``toolkit/``, ``app/``, ``frameworks/``, ``transcripts_sample/`` side by side) and the distribution
installs ONE top-level package, ``toolkit``:

- ``app/`` (the Streamlit app) ships as ``toolkit.app`` (``python -m toolkit app`` finds it with ``importlib``);
- ``frameworks/`` and ``transcripts_sample/`` ship as ``toolkit._data.frameworks`` and ``toolkit._data.sample``
  (read by ``toolkit._data.folder`` through ``importlib.resources``).
"""

from setuptools import find_namespace_packages, setup

APP = {"toolkit.app" + ("." + sub if sub else ""): "app" + ("/" + sub.replace(".", "/") if sub else "")
       for sub in ["", *find_namespace_packages(where="app", exclude=["*.__pycache__", "__pycache__"])]}
DATA = {"toolkit._data.frameworks": "frameworks", "toolkit._data.sample": "transcripts_sample"}

setup(packages=[*find_namespace_packages(include=["toolkit", "toolkit.*"], exclude=["*.__pycache__"]), *APP, *DATA],
      package_dir={**APP, **DATA})
