"""The pipeline: one source's poll, its new pages, revisits and versions, the stories
they join, and the report of what happened, built from the stages below it.
"""
