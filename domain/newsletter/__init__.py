"""The newsletter: subscribers (consents to marketing email, confirmed by double opt-in in
domain/consent.py), the two-yearly reminder and the purge of unconfirmed sign-ups
(reminders.py), the back office's figures, list and settings (subscribers.py); and campaigns:
the merchant writes Markdown per language for an audience (campaigns.py), the audience is
always narrowed to those who confirmed marketing consent (audience.py), and the worker queues
the frozen recipient list into the outbox at a bounded rate, each recipient once
(sending.py)."""
