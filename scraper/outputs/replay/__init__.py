"""Replay: the archive's HTTP exchanges packaged for web-archive players (WACZ)."""
