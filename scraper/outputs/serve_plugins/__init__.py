"""Datasette plugins `scraper serve` loads (`--plugins-dir`): each module here is one."""
