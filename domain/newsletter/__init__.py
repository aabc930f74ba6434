"""The newsletter: subscribers (consents to marketing email, confirmed by double opt-in in
domain/consent.py), the two-yearly reminder and the purge of unconfirmed sign-ups
(reminders.py), the back office's figures, list and settings (subscribers.py)."""
