"""Rendering pages in a headless browser: what plain HTTP cannot see (JavaScript-built articles).

Optional: Playwright (`pip install 'scraper[render]'`) drives the system's Chromium; nothing is
imported or launched until a source that renders meets a page to render.
"""

from scraper.fetch.render.renderer import PageRenderer
from scraper.fetch.render.shell import looks_like_js_shell

__all__ = ["PageRenderer", "looks_like_js_shell"]
