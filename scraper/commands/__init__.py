"""The command line's commands: one module per command, each its arguments, its run and its
rendering; `scraper.cli` only assembles them.
"""
