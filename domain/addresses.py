"""A customer's saved addresses. Exactly one is the default while they have any: the first one
saved becomes it, and deleting it hands the role to the oldest remaining address.

Every function takes the owner's id and finds addresses only among theirs, so a customer can
never read or change another's address by guessing its id: it is simply NotFound.
"""
from flask_babel import gettext as _, lazy_gettext as _l

from . import personal_data
from .errors import InvalidAddress, NotFound
from .extensions import db
from .models import Address

FIELDS = ("label", "name", "phone", "line1", "line2", "city", "postcode", "region", "country")
REQUIRED = ("name", "line1", "city", "region")
MAX_LENGTHS = {"label": 60, "name": 120, "phone": 50, "line1": 200, "line2": 200, "city": 120,
               "postcode": 20, "region": 60, "country": 60}


def _required_message(field):
    return {
        "name": _("Please enter the name of the person receiving the parcel."),
        "line1": _("Please enter the street address."),
        "city": _("Please enter the city."),
        "region": _("Please choose a shipping region."),
    }[field]


def clean(values, regions):
    """The address fields trimmed and checked; InvalidAddress names every field that is wrong.

    regions: the shipping regions the shop delivers to (an address elsewhere could never be
    used at checkout)."""
    data = {name: " ".join(str(values.get(name) or "").split()) for name in FIELDS}
    problems = {}
    for name in REQUIRED:
        if not data[name]:
            problems[name] = _required_message(name)
    for name, limit in MAX_LENGTHS.items():
        if len(data[name]) > limit and name not in problems:
            problems[name] = _("Please use at most %(num)d characters.", num=limit)
    if data["region"] and data["region"] not in regions:
        problems["region"] = _("We do not ship to that region. Please choose one from the list.")
    if data["phone"] and not any(ch.isdigit() for ch in data["phone"]):
        problems["phone"] = _("Please enter a phone number the courier can call.")
    if problems:
        raise InvalidAddress(_("Please check the highlighted fields."), problems)
    return data


def list_for(user_id):
    """The default address first, then the others in the order they were saved."""
    return db.session.scalars(
        db.select(Address).where(Address.user_id == user_id)
        .order_by(Address.is_default.desc(), Address.id)).all()


_DEFAULTS = "default_addresses"


def default_condition():
    """Address rows that are their customer's default (joined with the user by
    accounts.session_user, so a page that offers one-click buying needs no query of its own)."""
    return Address.is_default.is_(True)


def remember_default(user_id, address):
    """Keep the default address read with the user for this session's default_for()."""
    db.session.info.setdefault(_DEFAULTS, {})[user_id] = address


def _forget_defaults():
    db.session.info.pop(_DEFAULTS, None)


def default_for(user_id):
    known = db.session.info.get(_DEFAULTS, {})
    if user_id in known:
        return known[user_id]
    return db.session.scalar(
        db.select(Address).where(Address.user_id == user_id, default_condition())
        .order_by(Address.id).limit(1))


def get_for(user_id, address_id):
    """The customer's address with that id; NotFound for a missing id or someone else's."""
    address = db.session.scalar(
        db.select(Address).where(Address.id == address_id, Address.user_id == user_id))
    if address is None:
        raise NotFound(_("We could not find that address."))
    return address


def add(user_id, values, regions):
    """Save a new address; the customer's first becomes the default."""
    data = clean(values, regions)
    address = Address(user_id=user_id, is_default=default_for(user_id) is None, **data)
    _forget_defaults()
    db.session.add(address)
    db.session.flush()
    return address


def update(user_id, address_id, values, regions):
    address = get_for(user_id, address_id)
    for name, value in clean(values, regions).items():
        setattr(address, name, value)
    db.session.flush()
    return address


def make_default(user_id, address_id):
    """Make this address the default and every other of the customer's not."""
    _forget_defaults()
    address = get_for(user_id, address_id)
    for other in list_for(user_id):
        other.is_default = other.id == address.id
    db.session.flush()
    return address


def delete(user_id, address_id):
    """Delete the address; if it was the default, the oldest remaining one takes over."""
    _forget_defaults()
    address = get_for(user_id, address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:
        successor = db.session.scalar(
            db.select(Address).where(Address.user_id == user_id).order_by(Address.id).limit(1))
        if successor is not None:
            successor.is_default = True
            db.session.flush()
    return address


def _export(subject):
    if subject.is_guest:
        return []
    return [{**{name: getattr(address, name) for name in FIELDS}, "default": address.is_default}
            for address in list_for(subject.user_id)]


def _erase(subject, erasure):
    if subject.is_guest:
        return 0
    _forget_defaults()
    return db.session.execute(db.delete(Address).where(Address.user_id == subject.user_id)
                              .execution_options(synchronize_session="fetch")).rowcount


personal_data.register("addresses", _l("Addresses"), tables=("address",), export=_export,
                       erase=_erase)
