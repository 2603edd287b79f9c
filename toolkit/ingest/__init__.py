"""Pure readers for transcripts and participant attributes, plus pseudonymisation. No database, no UI.

The project store calls these functions; everything here returns plain data (``toolkit.models``) and raises
``toolkit.errors.InputError`` on bad input.
"""

from __future__ import annotations

from .attributes import read_attributes
from .decode import decode_bytes
from .language import detect_language
from .pseudonymise import load_name_key, pseudonymise, pseudonymise_transcript, write_name_key
from .reader import SUPPORTED_EXTENSIONS, read_transcript, read_transcript_bytes
from .turns import detect_turns

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "decode_bytes",
    "detect_language",
    "detect_turns",
    "load_name_key",
    "pseudonymise",
    "pseudonymise_transcript",
    "read_attributes",
    "read_transcript",
    "read_transcript_bytes",
    "write_name_key",
]
