"""Personal data of loyalty: the points and their ledger, the birthday and referral link, the
codes issued to the customer and used by them, and their referrals."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_

from .. import personal_data
from ..extensions import db
from ..models import Coupon, CouponUse, PointsEntry, Referral, User


def _account(subject):
    return None if subject.is_guest else db.session.get(User, subject.user_id)


def _uses(subject):
    if subject.is_guest:
        return CouponUse.user_id.is_(None) & (func.lower(CouponUse.email) == subject.email)
    return CouponUse.user_id == subject.user_id


def _coupons(subject):
    by_email = func.lower(Coupon.customer_email) == subject.email
    if subject.is_guest:
        return Coupon.customer_user_id.is_(None) & by_email
    return or_(Coupon.customer_user_id == subject.user_id, by_email)


def _referrals(subject):
    if subject.is_guest:
        return Referral.referred_user_id.is_(None) & (Referral.referred_email == subject.email)
    return or_(Referral.referrer_id == subject.user_id, Referral.referred_user_id == subject.user_id)


def _export(subject):
    when = personal_data.when
    user = _account(subject)
    data = {
        "codes_used": [{"code": use.code, "amount": use.amount, "at": when(use.created_at),
                        "given_back_at": when(use.released_at) if use.released_at else None}
                       for use in db.session.scalars(db.select(CouponUse).where(_uses(subject))
                                                     .order_by(CouponUse.id))],
        "codes_issued": [{"code": c.code, "source": c.source, "until": when(c.ends_at)
                          if c.ends_at else None}
                         for c in db.session.scalars(db.select(Coupon).where(_coupons(subject))
                                                     .order_by(Coupon.id))],
        "referrals": [{"status": r.status, "reason": r.reason, "at": when(r.created_at),
                       "you_referred": bool(user is not None and r.referrer_id == user.id)}
                      for r in db.session.scalars(db.select(Referral).where(_referrals(subject))
                                                  .order_by(Referral.id))],
    }
    if user is not None:
        data.update({
            "points_available": user.points_balance, "points_pending": user.points_pending,
            "birthday": (f"--{user.birth_month:02d}-{user.birth_day:02d}"
                         if user.birth_month and user.birth_day else None),
            "referral_code": user.referral_code,
            "points_ledger": [{"kind": e.kind, "points": e.points, "pending": e.pending,
                               "note": e.note, "at": when(e.created_at)}
                              for e in db.session.scalars(
                                  db.select(PointsEntry).where(PointsEntry.user_id == user.id)
                                  .order_by(PointsEntry.created_at, PointsEntry.id))]})
        return data
    # A guest: nothing to say when no code, use or referral names them.
    return data if any(data.values()) else None


def _erase(subject, erasure):
    """Points are given up with the account (the privacy page says so); the codes issued to
    the customer and not used are deleted; uses and referrals stay, without who."""
    count = 0
    user = _account(subject)
    if user is not None:
        count += db.session.execute(db.delete(PointsEntry).where(PointsEntry.user_id == user.id)
                                    .execution_options(synchronize_session="fetch")).rowcount
        db.session.execute(db.update(User).where(User.id == user.id).values(
            points_balance=0, points_pending=0, birth_month=None, birth_day=None,
            referral_code=None, tier_id=None, tier_at=None)
            .execution_options(synchronize_session="fetch"))
        count += db.session.execute(db.delete(Referral).where(Referral.referrer_id == user.id)
                                    .execution_options(synchronize_session="fetch")).rowcount
    used = db.select(CouponUse.id).where(CouponUse.coupon_id == Coupon.id).exists()
    count += db.session.execute(db.delete(Coupon).where(_coupons(subject), ~used)
                                .execution_options(synchronize_session="fetch")).rowcount
    db.session.execute(db.update(Coupon).where(_coupons(subject)).values(
        customer_email="", customer_user_id=None, paused=True)
        .execution_options(synchronize_session="fetch"))
    count += db.session.execute(db.update(CouponUse).where(_uses(subject))
                                .values(email="", user_id=None)
                                .execution_options(synchronize_session="fetch")).rowcount
    count += db.session.execute(db.update(Referral).where(_referrals(subject))
                                .values(referred_email="", referred_user_id=None)
                                .execution_options(synchronize_session="fetch")).rowcount
    return count


personal_data.register("loyalty", _l("Points, codes and referrals"),
                       tables=("points_entry", "coupon_use", "coupon", "referral"),
                       export=_export, erase=_erase)
