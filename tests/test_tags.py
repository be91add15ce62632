"""Tags are the page's own subjects: CMS type and channel codes, settings, entity-type
annotations and placeholders written into the same fields are left out."""

from __future__ import annotations

import gzip

import pytest

from scraper.extract.metadata import extract_metadata
from scraper.extract.tags import subject_tag
from tests.corpus import require_corpus

# Each as found in the keywords of pages in ../shared/corpora.
CMS_CODES = [
    "type_news",
    "channel_other",
    "ctp_video",
    "autoplay_video",
    "_no-apple-news",
    "locale: US",
    "hasProduct: true",
    "displayType: standard article",
    "contentId: fbf84de3-ee2a-4f33-a049-4385ffa82eb5",
    "source:tagname:CNBC US Source",
    "AdNode:culture/wide_angle",
    "@post-id:1913719",
    "Uncategorized",
    "videoarticle",
    "COACH SPORTS_FIGURE PERSON",
]
SUBJECTS = {
    "Syria": "Syria",
    "  Donald   Trump ": "Donald Trump",
    "#COVID-19": "COVID-19",
    "topic: White House": "White House",
    "Category: SpaceX": "SpaceX",
    "Mark Esper GOVERNMENT_FIGURE PERSON": "Mark Esper",
    "Chris Paul PROFESSIONAL_ATHLETE SPORTS_FIGURE": "Chris Paul",
    "Chainsaw Man - The Movie: Reze Arc": "Chainsaw Man - The Movie: Reze Arc",
    "Historical: European": "Historical: European",
    "NATO": "NATO",
    "U.S. politics": "U.S. politics",
}


@pytest.mark.parametrize("raw", CMS_CODES)
def test_cms_codes_are_not_tags(raw: str) -> None:
    assert subject_tag(raw) is None


@pytest.mark.parametrize(("raw", "tag"), SUBJECTS.items())
def test_subjects_are_kept_tidied(raw: str, tag: str) -> None:
    assert subject_tag(raw) == tag


def test_a_space_com_page_keeps_its_subjects_and_drops_its_control_tags() -> None:
    corpus = require_corpus()
    page = (
        corpus
        / "html"
        / ("686bb170effe273eaff1c0f88e412172e8d972518a6d1454c896f52aafaa9643.html.gz")
    )
    tags = extract_metadata(gzip.decompress(page.read_bytes()).decode("utf-8")).tags
    assert {"Jupiter", "nasa", "europa", "europa plume"} <= set(tags)
    assert not {"type_news", "channel_other", "serversidehawk", "videoarticle"} & set(tags)
