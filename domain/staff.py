"""The shop's people in the back office: roles, invitations by emailed link, role changes and
the end of someone's access.

Two roles: the owner may do everything; staff work on orders, returns, the inbox and the
customers, and read the dashboard (what each role may open is one rule in the web layer,
blueprints/admin/access.py). A shop always keeps one owner at least.

An invitation is a row (staff_invitation) and a link naming it, signed with the app's secret
like the password reset link; it works for INVITATION_DAYS days, once, and not after the owner
withdrew it.
"""
from datetime import timedelta

from flask_babel import gettext as _, lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import accounts, email_address, notify, personal_data
from .errors import InvalidInvitation, ShopError
from .extensions import db
from .ids import parse_id
from .models import StaffInvitation, User, utcnow

OWNER, STAFF = "owner", "staff"
ROLES = (OWNER, STAFF)
INVITATION_DAYS = 7
INVITATION_SALT = "staff-invitation"


def role_label(role):
    return {OWNER: _("Owner"), STAFF: _("Staff")}.get(role, role or "")


def team():
    """Everyone with access to the back office, owners first, then by name."""
    return db.session.scalars(db.select(User).where(User.is_merchant.is_(True))
                              .order_by(db.case((User.staff_role == OWNER, 0), else_=1),
                                        User.name, User.id)).all()


def _open(now):
    return db.and_(StaffInvitation.accepted_at.is_(None), StaffInvitation.revoked_at.is_(None),
                   StaffInvitation.created_at > now - timedelta(days=INVITATION_DAYS))


def pending(now):
    """Invitations sent and not yet accepted, withdrawn or expired, newest first."""
    return db.session.scalars(db.select(StaffInvitation).where(_open(now))
                              .order_by(StaffInvitation.created_at.desc(),
                                        StaffInvitation.id.desc())).all()


def _waiting(invitation):
    return invitation.accepted_at is None and invitation.revoked_at is None


def expires_at(invitation):
    return invitation.created_at + timedelta(days=INVITATION_DAYS)


def _check_role(role):
    if role not in ROLES:
        raise ShopError(_("Please choose a role: owner or staff."))


def _serializer(secret):
    return URLSafeTimedSerializer(secret, salt=INVITATION_SALT)


def token(invitation, secret):
    """The link's token: the invitation's id, signed. The row says whether it still works."""
    return _serializer(secret).dumps(invitation.id)


def invite(email, role, inviter, make_url, secret, now, locale="en"):
    """Invite `email` to the back office as `role` and queue the email with the link
    (make_url(token) gives the link's absolute URL). The email is in the invitee's language
    when they already have an account, else in `locale`. ShopError, changing nothing, for an
    unusable address, an unknown role, someone who already has access or an invitation to the
    same address still waiting."""
    address = email_address.normalize(email)
    if not email_address.is_valid(address):
        raise ShopError(_("Please enter a valid email address."))
    _check_role(role)
    existing = accounts.find_by_email(address)
    if existing is not None and existing.is_merchant:
        raise ShopError(_("%(email)s already has access to the back office.", email=address))
    waiting = db.session.scalar(db.select(StaffInvitation.id).where(
        StaffInvitation.email == address, _open(now)).limit(1))
    if waiting is not None:
        raise ShopError(_("An invitation to %(email)s is already waiting. Withdraw it first to "
                          "send a new one.", email=address))
    language = (existing.locale if existing is not None and existing.locale else locale) or "en"
    invitation = StaffInvitation(email=address, role=role, locale=language,
                                 invited_by=inviter.id if inviter is not None else None,
                                 created_at=now)
    db.session.add(invitation)
    db.session.flush()
    notify.enqueue("staff_invitation", address, language, now=now, data={
        "url": make_url(token(invitation, secret)), "role": role,
        "inviter": (inviter.name or inviter.email) if inviter is not None else "",
        "expires_days": INVITATION_DAYS})
    return invitation


def invitation_for(token_text, secret, now):
    """The invitation a link names, or InvalidInvitation when it expired, was used or
    withdrawn, or the link was not made by this shop."""
    invalid = InvalidInvitation(_("This invitation link is not valid any more. Ask the shop's "
                                  "owner to send a new one."))
    try:
        invitation_id = parse_id(str(_serializer(secret).loads(token_text or "")))
    except (BadSignature, TypeError, ValueError):
        raise invalid
    invitation = db.session.get(StaffInvitation, invitation_id) if invitation_id else None
    if invitation is None or not _waiting(invitation):
        raise invalid
    if now >= expires_at(invitation):
        raise InvalidInvitation(_("This invitation has expired: invitations work for %(num)d "
                                  "days. Ask the shop's owner to send a new one.",
                                  num=INVITATION_DAYS))
    return invitation


def account_for(invitation):
    """The existing account with the invitation's email, if there is one."""
    return accounts.find_by_email(invitation.email)


def accept(token_text, secret, now, password, name=""):
    """Accept an invitation: a new account with `name` and `password`, or, when the address
    already has one, that account after its password is checked. Returns the account, now in
    the back office with the invitation's role. The invitation is claimed with a conditional
    update, so two tabs accepting at once make one account between them."""
    invitation = invitation_for(token_text, secret, now)
    user = account_for(invitation)
    if user is None:
        accounts.check_password_rules(password)
    else:
        user = accounts.authenticate(invitation.email, password)
    claimed = db.session.execute(
        db.update(StaffInvitation).where(StaffInvitation.id == invitation.id,
                                         StaffInvitation.accepted_at.is_(None),
                                         StaffInvitation.revoked_at.is_(None))
        .values(accepted_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise InvalidInvitation(_("This invitation link is not valid any more. Ask the shop's "
                                  "owner to send a new one."))
    if user is None:
        user = accounts.register(invitation.email, password, name=name, merchant=True,
                                 role=invitation.role)
    else:
        user.is_merchant, user.staff_role = True, invitation.role
        db.session.flush()
    return user


def revoke(invitation_id, now):
    """Withdraw a waiting invitation: its link stops working. ShopError when it is not waiting."""
    invitation = db.session.get(StaffInvitation, invitation_id) if invitation_id else None
    if invitation is None or not _waiting(invitation):
        raise ShopError(_("That invitation is not waiting any more."))
    invitation.revoked_at = now
    db.session.flush()
    return invitation


def _member(user_id):
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.is_merchant:
        raise ShopError(_("That person has no access to the back office."))
    return user


def _keep_an_owner(user):
    """Refuses to take the owner role from the shop's last owner. The owners' rows are locked
    (PostgreSQL), so two owners demoting each other at once cannot leave none."""
    if user.staff_role != OWNER:
        return
    owners = db.session.scalars(db.select(User.id).where(
        User.is_merchant.is_(True), User.staff_role == OWNER).with_for_update()).all()
    if not set(owners) - {user.id}:
        raise ShopError(_("%(name)s is the shop's only owner. Make someone else an owner first.",
                          name=user.name or user.email))


def change_role(user_id, role):
    """Give someone of the back office another role; never the last owner's."""
    _check_role(role)
    user = _member(user_id)
    if role != user.staff_role:
        if role != OWNER:
            _keep_an_owner(user)
        user.staff_role = role
        db.session.flush()
    return user


def remove_access(user_id):
    """Take someone out of the back office: their account stays (as a customer's), every
    session of it ends. Never the last owner."""
    user = _member(user_id)
    _keep_an_owner(user)
    user.is_merchant, user.staff_role = False, None
    accounts.end_sessions(user)
    return user


# Personal data: an invitation names the address it was sent to.
def _export(subject):
    rows = db.session.scalars(db.select(StaffInvitation).where(
        StaffInvitation.email == subject.email).order_by(StaffInvitation.id))
    return [{"email": r.email, "role": r.role, "sent_at": personal_data.when(r.created_at),
             "accepted_at": personal_data.when(r.accepted_at)} for r in rows]


def _erase(subject, erasure):
    return db.session.execute(db.delete(StaffInvitation).where(
        StaffInvitation.email == subject.email)
        .execution_options(synchronize_session="fetch")).rowcount


personal_data.register("staff_invitations", _l("Back-office invitations"),
                       tables=("staff_invitation",), export=_export, erase=_erase)
