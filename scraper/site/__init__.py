"""The archive as a static website: `<archive>/index.html` and the pages under `<archive>/site/`.

It opens from `file://` or any static server, needs no script, and never renders archived
HTML: pages show the extracted text, escaped, under a Content-Security-Policy that forbids
script. `build_site` is called after each fetch and by `scraper build-site`; it rewrites only
what changed since the last build.
"""

from scraper.site.build import BuildReport, build_site

__all__ = ["BuildReport", "build_site"]
