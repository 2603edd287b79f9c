"""Resource limits on what the toolkit reads, each with an environment variable to raise it.

A transcript of a one-hour interview is about 60 KB and a framework file about 50 KB, so the defaults leave a wide
margin while refusing inputs that would take gigabytes of memory (a 200 MB text file, a .docx that inflates a
thousandfold, a YAML alias bomb) before reading them.

| limit | default | raise with |
|---|---|---|
| transcript file size | 20 MB | ``FA_MAX_TRANSCRIPT_MB`` |
| .docx: total size of its unpacked parts | 200 MB | ``FA_MAX_DOCX_MB`` |
| .docx: unpacked size / file size (above 1 MB unpacked) | 100 | ``FA_MAX_DOCX_RATIO`` |
| framework / crosswalk / measures / codebook file size | 5 MB | ``FA_MAX_FRAMEWORK_MB`` |

YAML aliases (``*name``) are refused in every YAML file (they are how alias bombs expand; the formats never need them).
"""

from __future__ import annotations

import os

from .errors import InputError

DEFAULTS = {"FA_MAX_TRANSCRIPT_MB": 20.0, "FA_MAX_DOCX_MB": 200.0, "FA_MAX_DOCX_RATIO": 100.0,
            "FA_MAX_FRAMEWORK_MB": 5.0}
MB = 1024 * 1024


def limit(name: str) -> float:
    """The current value of limit ``name`` (an environment variable of ``DEFAULTS``, else its default)."""
    try:
        return float(os.environ.get(name, DEFAULTS[name]))
    except ValueError:
        return DEFAULTS[name]


def check_size(file, nbytes: int, name: str, what: str) -> None:
    """Refuse ``nbytes`` of ``what`` above the limit ``name`` (in MB), saying how to raise it."""
    cap = limit(name)
    if nbytes > cap * MB:
        raise InputError(file, f"{what} is {nbytes / MB:.1f} MB, above the limit of {cap:g} MB "
                               f"(set the environment variable {name} to raise it)")


def check_zip(file, zf, compressed_size: int) -> None:
    """Refuse a zip (.docx) whose parts unpack to too much, from the sizes its directory declares (read before
    anything is unpacked; Python's zipfile never unpacks more than a part declares)."""
    total = sum(i.file_size for i in zf.infolist())
    check_size(file, total, "FA_MAX_DOCX_MB", "the unpacked document")
    ratio = total / max(compressed_size, 1)
    cap = limit("FA_MAX_DOCX_RATIO")
    if total > MB and ratio > cap:
        raise InputError(file, f"the document unpacks to {total / MB:.1f} MB, {ratio:.0f} times its file size "
                               f"(limit {cap:g}; a zip bomb?). Set the environment variable FA_MAX_DOCX_RATIO "
                               "to raise the limit")
