"""scraper: a news-feed archival pipeline."""

__version__ = "0.1.0"
