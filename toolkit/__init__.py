"""Framework analysis of qualitative interviews (Ritchie & Spencer): familiarization, indexing, charting, mapping,
interpretation. Offline, open, and traceable to the words participants said."""

__version__ = "0.1.0"
