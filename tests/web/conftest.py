"""Fixtures shared by the web tests: a signed-in merchant or customer."""
import pytest

from tests.checkout_helpers import one_click_customer


@pytest.fixture
def merchant(make, login):
    """The shop's owner, signed in through the sign-in form."""
    user = make.user(email="boss@example.com", merchant=True)
    login(user)
    return user


@pytest.fixture
def customer(app, make, login, checkout_shop):
    """A signed-in customer with a default address and one-click preferences."""
    user = one_click_customer(app, make)
    login(user)
    return user

