"""Scale-out: polling spread over many worker processes and machines (`scraper worker`).

procrastinate (on the `[index]` PostgreSQL database) is the work queue; our own tables keep
what it should not: each source's next poll (the index's `sources` table, claimed by a periodic
tick) and per-host request leases (cluster-wide politeness).
"""

QUEUES = ("poll", "fetch", "extract")  # `scraper worker --queues`: all three by default
