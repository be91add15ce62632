"""Listings: what a source says it has published (feeds, sitemaps, section pages) and
how a site's listings are discovered from its home page.
"""
