"""Local stand-ins for the card payment providers (Stripe, Toss Payments): real HTTP servers on
127.0.0.1 that the official client and the Toss adapter are pointed at, with controls for
slow, failing and duplicated answers. See stripe_fake.py and toss_fake.py for what each
emulates and the reference behind it."""
