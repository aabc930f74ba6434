"""Newsletter campaigns: the merchant writes Markdown per language for an audience
(campaigns.py), the audience is always narrowed to those who confirmed marketing consent
(audience.py), and the worker queues the frozen recipient list into the outbox at a bounded
rate, each recipient once (sending.py)."""
