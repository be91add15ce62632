"""The runners: one-off fetch (`once`), the daemon, and the PostgreSQL cluster's
workers; each opens a session, drives the pipeline and keeps the process healthy.
"""
