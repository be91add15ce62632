"""Fetching: polite HTTP (robots.txt, per-host pacing, validators), every response
written to WARC, and pages rendered in a browser when a source asks for it (`render/`).
"""
