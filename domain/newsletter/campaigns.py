"""A campaign: written, checked, previewed and started by the merchant.

The body is Markdown per language, rendered and sanitised with nh3 (domain/text.py) like
product descriptions; a language left empty uses the shop's main language. A campaign is
edited while it is a draft; `start()` freezes its audience into CampaignRecipient rows (one per
address, unique per campaign) and the worker sends them (sending.py).

The exclusive code. A campaign may carry one coupon (source "campaign") that only its
recipients can use: the coupon itself cannot name a list of people, so the checkout asks
`holds_code()` when the code is typed and again when the order is placed
(domain/loyalty/coupons.check): the buyer's account or address must be one this campaign was
queued to. It is also limited to one use per customer.

Attribution. Links in a campaign's email go through the landing page with ?c=<id>, which keeps
the campaign and the time in the visitor's session only; an order placed within
ATTRIBUTION_DAYS of that visit records the campaign (Order.campaign_id, set by place_order
through `attributed()`).
"""
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, or_

from .. import personal_data, text
from ..errors import ShopError
from ..extensions import db
from ..loyalty import coupons
from ..models import (Campaign, CampaignRecipient, Coupon, LoyaltyTier, Order, OutboxMessage,
                      User)
from ..models.engagement import CAMPAIGN_AUDIENCES
from ..shopconfig import LANGUAGES
from . import audience as audiences

NAME_LIMIT = 120
SUBJECT_LIMIT = 150
BODY_LIMIT = 20_000
MAX_DAYS = 3650
MAX_CODE_DAYS = 365
ATTRIBUTION_DAYS = 7
COUPON_KINDS = ("percent", "amount")
PER_PAGE = 50


class InvalidCampaign(ShopError):
    """A campaign form that cannot be saved; `errors` maps each field to what is wrong."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__(next(iter(self.errors.values())))


class CampaignNotEditable(ShopError):
    """The campaign was sent (or is being sent): it can no longer change."""


def _whole(value, low, high):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def save(campaign, values, *, now, by, main_language="en", currency="KRW", locale="en"):
    """Create (campaign None) or change a draft from the form's `values`:
    name, subject_<lang>, body_<lang>, audience, audience_days, tier_id, and the optional code:
    coupon_kind ("" for none), coupon_value (percent or an amount as typed), coupon_days.
    Every field is checked first; InvalidCampaign names each wrong one and nothing is saved."""
    if campaign is not None and campaign.status != "draft":
        raise CampaignNotEditable(_("This campaign was sent: it can no longer be changed."))
    errors = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = _("Give the campaign a name (only you see it).")
    elif len(name) > NAME_LIMIT:
        errors["name"] = _("Keep the name within %(num)d characters.", num=NAME_LIMIT)
    subject, body = {}, {}
    for lang in LANGUAGES:
        subject[lang] = (values.get(f"subject_{lang}") or "").strip()
        body[lang] = (values.get(f"body_{lang}") or "").strip()
        if len(subject[lang]) > SUBJECT_LIMIT:
            errors[f"subject_{lang}"] = _("Keep the subject within %(num)d characters.",
                                          num=SUBJECT_LIMIT)
        if len(body[lang]) > BODY_LIMIT:
            errors[f"body_{lang}"] = _("Keep the message within %(num)d characters.",
                                       num=BODY_LIMIT)
        if bool(subject[lang]) != bool(body[lang]) and f"subject_{lang}" not in errors:
            field = f"body_{lang}" if subject[lang] else f"subject_{lang}"
            errors[field] = _("Write both the subject and the message in this language, or "
                              "leave both empty.")
    main = main_language if main_language in LANGUAGES else LANGUAGES[0]
    if not subject[main] and f"subject_{main}" not in errors:
        errors[f"subject_{main}"] = _("Write the subject in the shop's main language.")
    if not body[main] and f"body_{main}" not in errors:
        errors[f"body_{main}"] = _("Write the message in the shop's main language.")
    audience = values.get("audience") or ""
    days, tier = 90, None
    if audience not in CAMPAIGN_AUDIENCES:
        errors["audience"] = _("Choose who the campaign goes to.")
    elif audience in ("recent", "lapsed"):
        days = _whole(values.get("audience_days"), 1, MAX_DAYS)
        if days is None:
            errors["audience_days"] = _("Enter a number of days from 1 to %(num)d.", num=MAX_DAYS)
    elif audience == "tier":
        tier = db.session.get(LoyaltyTier, _whole(values.get("tier_id"), 1, 2**62) or 0)
        if tier is None:
            errors["tier_id"] = _("Choose one of your loyalty tiers.")
    code = _code_values(values, errors, currency, locale)
    if errors:
        raise InvalidCampaign(errors)
    if campaign is None:
        campaign = Campaign(created_by=by or "", created_at=now, status="draft")
        db.session.add(campaign)
    campaign.name = name
    campaign.subject = subject
    campaign.body_md = body
    campaign.audience = audience
    campaign.audience_days = days or campaign.audience_days or 90
    campaign.tier_id = tier.id if tier is not None else None
    campaign.updated_at = now
    db.session.flush()
    _set_code(campaign, code, now)
    return campaign


def _code_values(values, errors, currency, locale):
    kind = values.get("coupon_kind") or ""
    if not kind:
        return None
    if kind not in COUPON_KINDS:
        errors["coupon_kind"] = _("Choose what the code gives.")
        return None
    value = 0
    if kind == "percent":
        percent = _whole(values.get("coupon_value"), 1, 100)
        if percent is None:
            errors["coupon_value"] = _("Enter a percentage from 1 to 100.")
        value = (percent or 0) * 100
    elif kind == "amount":
        from ..settings import money_from_text
        try:
            value = money_from_text(values.get("coupon_value"), currency, locale)
        except ShopError as error:
            errors["coupon_value"] = str(error)
            value = 0
        else:
            if not value:
                errors["coupon_value"] = _("Enter the amount the code takes off.")
    days = _whole(values.get("coupon_days"), 1, MAX_CODE_DAYS)
    if days is None:
        errors["coupon_days"] = _("Enter for how many days the code works, from 1 to %(num)d.",
                                  num=MAX_CODE_DAYS)
    return {"kind": kind, "value": value, "days": days}


def _set_code(campaign, code, now):
    """Attach, change or take off the campaign's exclusive code."""
    coupon = db.session.get(Coupon, campaign.coupon_id) if campaign.coupon_id else None
    if code is None:
        if coupon is not None:
            campaign.coupon_id = None
            if coupon.used_count == 0:
                db.session.delete(coupon)
            else:
                coupon.paused = True
        db.session.flush()
        return
    if coupon is None:
        coupon = coupons.issue(f"campaign:{campaign.id}", source="campaign", kind=code["kind"],
                               value=code["value"], now=now, prefix="NEWS",
                               name=campaign.name, usage_limit=None, per_customer_limit=1)
        campaign.coupon_id = coupon.id
    coupon.kind, coupon.value, coupon.name = code["kind"], code["value"], campaign.name[:120]
    coupon.starts_at, coupon.ends_at = now, now + timedelta(days=code["days"])
    coupon.paused = False
    db.session.flush()


def code_days(coupon):
    """For how many days the code works from the send (the form's value)."""
    if coupon is None or coupon.ends_at is None or coupon.starts_at is None:
        return 30
    return max(1, round((coupon.ends_at - coupon.starts_at).total_seconds() / 86400))


def form_values(campaign):
    values = {"name": campaign.name, "audience": campaign.audience,
              "audience_days": campaign.audience_days, "tier_id": campaign.tier_id or ""}
    for lang in LANGUAGES:
        values[f"subject_{lang}"] = (campaign.subject or {}).get(lang, "")
        values[f"body_{lang}"] = (campaign.body_md or {}).get(lang, "")
    coupon = db.session.get(Coupon, campaign.coupon_id) if campaign.coupon_id else None
    if coupon is not None:
        values.update(coupon_kind=coupon.kind, coupon_days=code_days(coupon),
                      coupon_value=coupon.value // 100 if coupon.kind == "percent"
                      else coupon.value if coupon.kind == "amount" else "")
    return values


def language_of(campaign, lang, main_language="en"):
    """The language the campaign speaks to someone reading `lang`: theirs if written in it,
    else the main language."""
    if (campaign.subject or {}).get(lang) and (campaign.body_md or {}).get(lang):
        return lang
    return main_language if (campaign.subject or {}).get(main_language) else next(
        (code for code in LANGUAGES if (campaign.subject or {}).get(code)), lang)


def content(campaign, lang, main_language="en"):
    """(subject, sanitised HTML body, Markdown body) of the campaign for a reader of `lang`."""
    used = language_of(campaign, lang, main_language)
    body_md = (campaign.body_md or {}).get(used, "")
    return (campaign.subject or {}).get(used, ""), text.render_markdown(body_md), body_md


def get(campaign_id):
    return db.session.get(Campaign, campaign_id)


def listing(page=1):
    try:
        page = max(1, min(int(page), 10_000))
    except (TypeError, ValueError):
        page = 1
    from ..catalog import Page
    total = db.session.scalar(db.select(func.count(Campaign.id))) or 0
    items = db.session.scalars(db.select(Campaign).order_by(Campaign.id.desc())
                               .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return Page(items=list(items), page=page, per_page=PER_PAGE, total=total)


def start(campaign, now):
    """Send the campaign: freeze its audience (consent in force now) into recipients, once.
    Returns how many it will go to. Refused for a campaign already started or with nobody
    to send to (nothing changes then)."""
    people = audiences.select(campaign.audience, campaign.audience_days, campaign.tier_id, now)
    if not people:
        raise ShopError(_("Nobody in this audience has agreed to receive marketing email: "
                          "there is no one to send it to."))
    claimed = db.session.execute(
        db.update(Campaign).where(Campaign.id == campaign.id, Campaign.status == "draft")
        .values(status="sending", started_at=now, recipients_total=len(people),
                queued_count=0, skipped_count=0, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise CampaignNotEditable(_("This campaign was already sent."))
    db.session.execute(db.insert(CampaignRecipient), [
        {"campaign_id": campaign.id, "email": person.email, "user_id": person.user_id,
         "locale": person.locale or "en", "status": "pending"} for person in people])
    if campaign.coupon_id:
        coupon = db.session.get(Coupon, campaign.coupon_id)
        days = code_days(coupon)
        coupon.starts_at, coupon.ends_at = now, now + timedelta(days=days)
    db.session.flush()
    db.session.refresh(campaign)
    return len(people)


def holds_code(coupon, user_id, email):
    """May this buyer use the campaign coupon? Only a recipient the campaign was queued to,
    by account or address. An unknown buyer (a guest's cart before the email is typed)
    passes here and is asked again when the order is placed."""
    if not user_id and not email:
        return True
    who = []
    if user_id:
        who.append(CampaignRecipient.user_id == user_id)
        account = db.session.scalar(db.select(User.email).where(User.id == user_id))
        if account:
            who.append(CampaignRecipient.email == account.strip().lower())
    if email:
        who.append(CampaignRecipient.email == email.strip().lower())
    return db.session.scalar(
        db.select(CampaignRecipient.id).join(Campaign, Campaign.id == CampaignRecipient.campaign_id)
        .where(Campaign.coupon_id == coupon.id, CampaignRecipient.status == "queued", or_(*who))
        .limit(1)) is not None


def attributed(campaign_id, landed_at, now):
    """The campaign an order placed at `now` came from: the campaign whose link the buyer
    followed at `landed_at`, if that was within ATTRIBUTION_DAYS; else None."""
    if not campaign_id or landed_at is None:
        return None
    if not (landed_at <= now < landed_at + timedelta(days=ATTRIBUTION_DAYS)):
        return None
    found = db.session.scalar(db.select(Campaign.id).where(Campaign.id == campaign_id,
                                                           Campaign.status.in_(("sending", "sent"))))
    return found


def record_unsubscribe(campaign_id, email, now):
    """The recipient unsubscribed through this campaign's email: noted once, for the report."""
    if not campaign_id or not email:
        return False
    return db.session.execute(
        db.update(CampaignRecipient).where(
            CampaignRecipient.campaign_id == campaign_id,
            CampaignRecipient.email == email.strip().lower(),
            CampaignRecipient.unsubscribed_at.is_(None))
        .values(unsubscribed_at=now).execution_options(synchronize_session=False)).rowcount == 1


@dataclass(frozen=True)
class Report:
    total: int
    queued: int
    skipped: int
    pending: int
    sent: int
    failed: int
    unsubscribed: int
    orders: int
    revenue: int
    code_uses: int

    @property
    def done(self):
        return self.pending == 0

    @property
    def percent(self):
        return 100 if not self.total else (self.queued + self.skipped) * 100 // self.total


def report(campaign):
    """Progress and results: recipients listed, queued and skipped (from the campaign's own
    counters), emails sent and failing (from the outbox), unsubscribes through the campaign,
    and the orders within 7 days of following its links (not cancelled or left unpaid)."""
    mail = db.session.execute(
        db.select(func.count(OutboxMessage.sent_at),
                  func.count(OutboxMessage.id).filter(OutboxMessage.sent_at.is_(None),
                                                      OutboxMessage.attempts > 0,
                                                      OutboxMessage.last_error != ""))
        .join(CampaignRecipient, CampaignRecipient.outbox_id == OutboxMessage.id)
        .where(CampaignRecipient.campaign_id == campaign.id)).one()
    unsubscribed = db.session.scalar(
        db.select(func.count(CampaignRecipient.id)).where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.unsubscribed_at.is_not(None))) or 0
    orders = db.session.execute(
        db.select(func.count(Order.id), func.coalesce(func.sum(Order.total), 0))
        .where(Order.campaign_id == campaign.id,
               Order.status.not_in(audiences.NOT_ORDERS))).one()
    coupon = db.session.get(Coupon, campaign.coupon_id) if campaign.coupon_id else None
    pending = max(0, campaign.recipients_total - campaign.queued_count - campaign.skipped_count)
    return Report(total=campaign.recipients_total, queued=campaign.queued_count,
                  skipped=campaign.skipped_count, pending=pending if campaign.status == "sending"
                  else 0, sent=mail[0] or 0, failed=mail[1] or 0, unsubscribed=unsubscribed,
                  orders=orders[0] or 0, revenue=int(orders[1] or 0),
                  code_uses=coupon.used_count if coupon is not None else 0)


def audience_size(campaign, now):
    return audiences.count(campaign.audience, campaign.audience_days, campaign.tier_id, now)


def send_test(campaign, email, locale, now):
    """A test of the campaign to the merchant's own address, marked as a test, sent now (no
    quiet hours: it goes to the person who asked for it). Nobody else gets it."""
    from .. import notify
    if not email:
        raise ShopError(_("Your account has no email address to send the test to."))
    return notify.enqueue("campaign", email, locale or "en",
                          data={"campaign_id": campaign.id, "test": True}, now=now)


# Personal data: the campaigns a person was sent (their address, when, whether they left
# through it), and the campaigns a merchant wrote (their address as the author).
def _recipient_of(subject):
    if subject.is_guest:
        return CampaignRecipient.email == subject.email
    return or_(CampaignRecipient.user_id == subject.user_id,
               CampaignRecipient.email == subject.email)


def _export(subject):
    when = personal_data.when
    rows = db.session.execute(
        db.select(CampaignRecipient, Campaign.name).join(
            Campaign, Campaign.id == CampaignRecipient.campaign_id)
        .where(_recipient_of(subject)).order_by(CampaignRecipient.id)).all()
    found = [{"campaign": name, "email": r.email, "status": r.status,
              "queued_at": when(r.queued_at), "unsubscribed_at": when(r.unsubscribed_at)}
             for r, name in rows]
    found += [{"campaign_written": c.name, "created_at": when(c.created_at)}
              for c in db.session.scalars(db.select(Campaign).where(
                  Campaign.created_by == subject.email, Campaign.created_by != ""))]
    return found


def _erase(subject, erasure):
    removed = db.session.execute(
        db.delete(CampaignRecipient).where(_recipient_of(subject))
        .execution_options(synchronize_session="fetch")).rowcount
    if subject.email:
        removed += db.session.execute(
            db.update(Campaign).where(Campaign.created_by == subject.email)
            .values(created_by="").execution_options(synchronize_session="fetch")).rowcount
    return removed


personal_data.register("campaign_recipients", _l("Newsletter campaigns sent to you"),
                       tables=("campaign_recipient", "campaign"), export=_export, erase=_erase)
