from pathlib import Path

import pytest

from scraper.config.settings import load_config
from scraper.durations import parse_duration, parse_size
from scraper.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_config_is_valid_and_has_real_sources() -> None:
    config = load_config(REPO / "config" / "scraper.toml")
    names = {s.name for s in config.sources}
    assert {"moonofalabama", "globalresearch", "mondialisation"} <= names
    assert config.archive.path == (REPO / "archive").resolve()
    assert not config.http.allow_private_addresses


def test_relative_archive_path_is_relative_to_the_config_folder(tmp_path: Path) -> None:
    sub = tmp_path / "conf"
    sub.mkdir()
    path = sub / "c.toml"
    path.write_text('[archive]\npath = "data"\n', encoding="utf-8")
    assert load_config(path).archive.path == (sub / "data").resolve()


def test_unknown_key_is_an_error_naming_file_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sources]]\nname = "a"\nfeed = "https://x.org/f"\nintervall = "5m"\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value)
    assert "sources[0].intervall: unknown key" in str(error.value)


def test_bad_duration_names_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sources]]\nname = "a"\nfeed = "https://x.org/f"\ninterval = "soon"\n')
    with pytest.raises(ConfigError, match=r"sources\[0\]\.interval: expected a duration"):
        load_config(path)


def test_missing_feed_and_duplicate_names_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"sources\[0\]\.feed: missing"):
        load_config(write(tmp_path, '[[sources]]\nname = "a"\n'))
    twice = '[[sources]]\nname = "a"\nfeed = "https://x.org/1"\n' * 2
    with pytest.raises(ConfigError, match="used twice"):
        load_config(write(tmp_path, twice))


def test_invalid_toml_and_missing_file_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[archive\n"))
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_config_path_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, '[[sources]]\nname = "env"\nfeed = "https://x.org/f"\n')
    monkeypatch.setenv("SCRAPER_CONFIG", str(path))
    assert load_config().sources[0].name == "env"


def test_durations_and_sizes_read_like_people_write_them() -> None:
    assert parse_duration("90s") == 90
    assert parse_duration("15m") == 900
    assert parse_duration("2h") == 7200
    assert parse_duration(5) == 5
    assert parse_size("10MB") == 10_000_000
    assert parse_size("512KiB") == 524_288
    with pytest.raises(ValueError):
        parse_duration("-3m")


def test_the_index_is_sqlite_unless_a_postgresql_url_is_given(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")).index.url is None
    url = "postgresql://scraper@db.example.org:5432/news"
    config = load_config(write(tmp_path, f'[index]\nurl = "{url}"\nschema = "scraper"\n'))
    assert (config.index.url, config.index.schema) == (url, "scraper")
    for text, where in (
        ('[index]\nurl = "mysql://db/news"\n', "index.url: expected a postgresql:// URL"),
        ('[index]\nurl = "postgres://db/n"\nschema = "Bad-Name"\n', "index.schema: expected"),
        ('[index]\nschema = "scraper"\n', "index.schema: only with index.url"),
        ('[index]\nhost = "db"\n', "index.host: unknown key"),
    ):
        with pytest.raises(ConfigError, match=where):
            load_config(write(tmp_path, text))
