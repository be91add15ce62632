"""Configuration: the TOML file read into typed settings, edited, imported from OPML.

`settings` holds the records every stage reads (`Config`, `Source`, ...) and `load_config`;
`access` a source's headers, cookies and proxy; `edit` and `opml` change the file for users.
"""
