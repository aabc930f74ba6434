"""Saved addresses: validation, ownership, and exactly one default."""
import pytest

from domain import addresses
from domain.errors import InvalidAddress, NotFound
from domain.extensions import db
from domain.models import Address

REGIONS = ["Domestic", "Jeju"]


def values(**overrides):
    data = {"label": "Home", "name": "Kim Minji", "phone": "010-1234-5678",
            "line1": "1 Sejong-daero", "line2": "", "city": "Seoul", "postcode": "04524",
            "region": "Domestic", "country": "KR"}
    data.update(overrides)
    return data


@pytest.fixture
def owners(make, ctx):
    return make.user()["id"], make.user()["id"]


def defaults(user_id):
    return [a.label for a in addresses.list_for(user_id) if a.is_default]


def test_the_first_address_becomes_the_default(owners):
    """The first saved is the default; later ones are not."""
    me, _ = owners
    addresses.add(me, values(label="Home"), REGIONS)
    addresses.add(me, values(label="Work"), REGIONS)
    assert defaults(me) == ["Home"]


def test_make_default_moves_the_single_default(owners):
    """Choosing another default leaves exactly one."""
    me, _ = owners
    addresses.add(me, values(label="Home"), REGIONS)
    work = addresses.add(me, values(label="Work"), REGIONS)
    addresses.make_default(me, work.id)
    assert defaults(me) == ["Work"]
    assert [a.label for a in addresses.list_for(me)] == ["Work", "Home"]


def test_deleting_the_default_promotes_the_oldest_other(owners):
    """Delete the default and another takes over; delete the last and none is left."""
    me, _ = owners
    home = addresses.add(me, values(label="Home"), REGIONS)
    work = addresses.add(me, values(label="Work"), REGIONS)
    gym = addresses.add(me, values(label="Gym"), REGIONS)
    addresses.delete(me, home.id)
    assert defaults(me) == ["Work"]
    addresses.delete(me, gym.id)
    assert defaults(me) == ["Work"]
    addresses.delete(me, work.id)
    assert addresses.list_for(me) == [] and addresses.default_for(me) is None


def test_deleting_another_address_keeps_the_default(owners):
    """Deleting an address that is not the default leaves the default alone."""
    me, _ = owners
    addresses.add(me, values(label="Home"), REGIONS)
    work = addresses.add(me, values(label="Work"), REGIONS)
    addresses.delete(me, work.id)
    assert defaults(me) == ["Home"]


def test_someone_elses_address_is_not_found(owners):
    """Reading, changing, defaulting or deleting another customer's address is NotFound."""
    me, other = owners
    theirs = addresses.add(other, values(label="Theirs"), REGIONS)
    with pytest.raises(NotFound):
        addresses.get_for(me, theirs.id)
    with pytest.raises(NotFound):
        addresses.update(me, theirs.id, values(label="Mine now"), REGIONS)
    with pytest.raises(NotFound):
        addresses.make_default(me, theirs.id)
    with pytest.raises(NotFound):
        addresses.delete(me, theirs.id)
    assert db.session.get(Address, theirs.id).label == "Theirs"


def test_missing_fields_are_named(owners):
    """Every required field that is blank gets its own message."""
    me, _ = owners
    with pytest.raises(InvalidAddress) as caught:
        addresses.add(me, values(name=" ", line1="", city="", region=""), REGIONS)
    assert set(caught.value.fields) == {"name", "line1", "city", "region"}
    assert addresses.list_for(me) == []


def test_a_region_the_shop_does_not_ship_to_is_refused(owners):
    """An address in a region with no shipping method could never be used."""
    me, _ = owners
    with pytest.raises(InvalidAddress) as caught:
        addresses.add(me, values(region="Mars"), REGIONS)
    assert "do not ship" in caught.value.fields["region"]


def test_overlong_and_nonsense_values_are_refused(owners):
    """Too long a city and a phone without digits are each named."""
    me, _ = owners
    with pytest.raises(InvalidAddress) as caught:
        addresses.add(me, values(city="x" * 121, phone="call me"), REGIONS)
    assert set(caught.value.fields) == {"city", "phone"}


def test_values_are_trimmed_and_editable(owners):
    """Extra spaces go; an edit changes the fields and keeps the default flag."""
    me, _ = owners
    home = addresses.add(me, values(name="  Kim   Minji "), REGIONS)
    assert home.name == "Kim Minji"
    addresses.update(me, home.id, values(city="Busan", region="Jeju"), REGIONS)
    assert (home.city, home.region, home.is_default) == ("Busan", "Jeju", True)


def test_the_default_read_with_the_signed_in_customer_follows_changes_in_the_same_request(owners):
    """A page reads the customer's default address with the account (one query); an address
    saved, changed, made default or deleted later in the same request is what it then offers."""
    from domain import accounts
    from domain.models import User
    me, _ = owners
    session_id = db.session.get(User, me).get_id()

    def signed_in():
        assert accounts.session_user(session_id).id == me

    signed_in()
    assert addresses.default_for(me) is None
    home = addresses.add(me, values(label="Home"), REGIONS)
    assert addresses.default_for(me).label == "Home"
    signed_in()
    work = addresses.add(me, values(label="Work"), REGIONS)
    assert addresses.default_for(me).label == "Home"
    signed_in()
    addresses.make_default(me, work.id)
    assert addresses.default_for(me).label == "Work"
    signed_in()
    addresses.update(me, work.id, values(label="Office"), REGIONS)
    assert addresses.default_for(me).label == "Office"
    signed_in()
    addresses.delete(me, work.id)
    assert addresses.default_for(me).id == home.id
