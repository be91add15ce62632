"""The archive as a static website: `<archive>/index.html` and the pages under `<archive>/site/`.

It opens from `file://` or any static server and never renders archived HTML: pages show the
extracted text, escaped, under a Content-Security-Policy that forbids script, but for the search
page, which runs the site's own script files (its index included) and nothing else. `build_site` is called after each fetch and by `scraper build-site`; it rewrites only
what changed since the last build.
"""

from scraper.outputs.site.build import BuildReport, build_site

__all__ = ["BuildReport", "build_site"]
