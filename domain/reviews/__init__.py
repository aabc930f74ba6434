"""Listening to customers: reviews from verified buyers, the review request, satisfaction at
each touchpoint, and what the merchant changed because of them.

- eligibility.py: who may review what (the buyer of a delivered line not fully refunded).
- submit.py / photos.py: the one-page form of an order's lines; photos through domain/images.
- ratings.py: a product's published count, sum and distribution, recounted on every change.
- moderation.py: publish, hide with a reason, reply; the auto-publish setting.
- listing.py / votes.py: what the product page shows, sorted and paged; "Helpful" votes.
- requests.py: the review request and its reminder (a worker job), held while a return or an
  open conversation about the order exists; the one-click opt-out.
- satisfaction.py: the five faces at delivery, after a return, after a resolved conversation.
- changes.py / testimonials.py: "You said, we did", and words about the shop entered by hand.
- policy.py: /policies/reviews, written from the live settings.
- records.py: reviews and answers as personal data.
"""
# Limits of what a reviewer writes; longer text is refused with a message, never cut.
TITLE_LIMIT = 120
BODY_LIMIT = 2000
REPLY_LIMIT = 2000
HIDE_REASON_LIMIT = 300
COMMENT_LIMIT = 1000
MAX_PHOTOS = 3
# A held review request is dropped when the return or conversation holding it is still open
# this many days after the request was due.
HOLD_DAYS = 60
