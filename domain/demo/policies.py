"""Moonjar Studio's return rules, how returns come back, and its privacy and terms texts.

Written as a small Korean studio might start them: a merchant trying the demo sees every kind
of rule on the policy page (free returns, a fee, a flat return charge, final sale) and has
texts to adapt rather than a blank page. Each text has its Korean translation in policies_ko.py.
"""
from .. import localized, policies, returns
from . import policies_ko as ko
from .catalogue_ko import LANGUAGE

SHOP_RULE = dict(window_days=30, allow_refund=True, allow_exchange=True, allow_credit=True,
                 return_shipping="free", conditions="Unused, with the original padding")

# Category name -> what differs from the shop's rule.
CATEGORY_RULES = {
    "Vases": dict(window_days=14, return_shipping="flat", return_shipping_fee=6000,
                  conditions="Unused, packed in the original padded box"),
    "Teaware": dict(restocking_fee_bp=1000,
                    conditions="Unused; teapots are re-tested for a tight lid and clean pour"),
}

# Discounted pieces are seconds with small glaze flaws, sold as they are.
FINAL_SALE_TAG = "sale"
FINAL_SALE_RULE = dict(final_sale=True, conditions="Seconds with small glaze flaws, sold as seen")

PROCESSING = dict(
    transit_days=3,
    pickup_enabled=True,
    pickup_instructions=(
        "We book a CJ Logistics return pickup from the address on your order; the driver "
        "comes within two working days of us approving your return and brings the label.\n"
        "Wrap each piece in its padding and put it back in the box we sent."),
    dropoff_enabled=True,
    dropoff_instructions=(
        "Bring the parcel to the studio (12 Bukchon-ro 5-gil, Tue–Sat 11:00–18:00), or send it "
        "with CJ Logistics from any GS25 or CU convenience store.\n"
        "Write your return number (R-…) on the box and keep the receipt."),
    refund_promise_days=3,
)

GENERAL_MD = """\
Every piece is made and packed by hand in our studio in Seoul, and we want you to live with
it happily. If it doesn't suit your table, send it back.

## Handmade differences

Glaze colour, speckles and size vary a little from piece to piece and from the photos. That
is part of handmade stoneware and is not a fault.

## Your rights

These rules add to your rights under the Act on Consumer Protection in Electronic Commerce;
they never take any away.
"""

PRIVACY_MD = """\
Moonjar Studio ("we") runs this shop. This policy says what personal information we keep, why,
and for how long, under Korea's Personal Information Protection Act (PIPA).

# What we collect

- **To deliver your order:** your name, delivery address, phone number and email.
- **To take payment:** the payment method and its status. Card numbers go to the payment
  provider; we never see or store them.
- **If you open an account:** your email, a scrambled (hashed) password and saved addresses.

# Why we use it

Only to make, ship, return and refund your orders, to answer your questions, and to keep the
records the tax law asks for. We do not send marketing email unless you ask for it, and we do
not sell or share your information with advertisers.

# Who else sees it

- CJ Logistics (and Korea Post for international parcels), to deliver and collect parcels.
- Our payment provider, to take and refund payments.

# How long we keep it

Order and payment records: 5 years, as the Act on Consumer Protection in Electronic Commerce
requires. Records of complaints and disputes: 3 years. Account details: until you close your
account.

# Your rights

You can ask to see, correct or delete your information, or to stop us using it, by writing to
hello@moonjar.example. We answer within 10 days.

# Contact

Person responsible for personal information: the studio owner, hello@moonjar.example,
+82 2-555-0142.
"""

TERMS_MD = """\
These terms apply to orders from Moonjar Studio, 12 Bukchon-ro 5-gil, Jongno-gu, Seoul.

# Orders and prices

Prices are in Korean won and include 10 % VAT. The price breakdown before you order shows
the full total with shipping. Your order is accepted when we confirm it by email.

# Payment

Pay by card, or by bank transfer within the days shown at checkout; unpaid orders are
cancelled after that and the pieces go back on sale.

# Delivery

We pack and ship within 2 working days of payment. Delivery times and prices are on our
[shipping policy](/policies/shipping).

# Changing your mind

You can cancel or change an order on its page for a short while after placing it. After
that, our [returns policy](/policies/returns) applies.

# Handmade pieces

Each piece is unique: colour, size and glaze vary slightly from the photos.

# Disputes

Write to us first at hello@moonjar.example; most problems are solved in a day. You can also
contact the Korea Consumer Agency (1372). Korean law applies.
"""


def write_policies(categories, products, now, currency, main_language):
    """Store the demo's rules, return settings and policy texts (in English and Korean);
    the caller commits."""
    returns.save_rule("shop", None, SHOP_RULE, now, currency)
    for category in categories:
        if category.name in CATEGORY_RULES:
            returns.save_rule("category", category.id,
                              dict(SHOP_RULE, **CATEGORY_RULES[category.name]), now, currency)
    for product in products:
        if FINAL_SALE_TAG in product.tag_list:
            returns.save_rule("product", product.id, dict(SHOP_RULE, **FINAL_SALE_RULE), now,
                              currency)
    policy = returns.save_policy(dict(PROCESSING, general_md=GENERAL_MD), now)
    localized.set_translation(policy, LANGUAGE, dict(
        general_md=ko.GENERAL_MD, pickup_instructions=ko.PICKUP_INSTRUCTIONS,
        dropoff_instructions=ko.DROPOFF_INSTRUCTIONS), main_language)
    for name, english, korean in (("privacy", PRIVACY_MD, ko.PRIVACY_MD),
                                  ("terms", TERMS_MD, ko.TERMS_MD)):
        page = policies.save_page(name, english, now)
        localized.set_translation(page, LANGUAGE, dict(body_md=korean), main_language)
