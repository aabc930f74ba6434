"""One transaction per request: committed when the view succeeds, nothing kept when it fails."""
import pytest

from domain import products, transaction
from domain.errors import ShopError
from domain.extensions import db
from domain.models import Category


def _names(app):
    with app.app_context():
        return sorted(db.session.scalars(db.select(Category.name)))


@pytest.fixture
def app_with_views(app):
    """The shop with four extra views that add a category and then end in different ways."""
    def write(name):
        products.create_category(name)

    def succeeds():
        write("Kept")
        return "ok"

    def raises():
        write("Lost to a crash")
        raise RuntimeError("boom")

    def refused():
        write("Lost to a refusal")
        raise ShopError("Not like this.")

    def answers_422():
        write("Lost to a form error")
        return "Please check the fields", 422

    for view in (succeeds, raises, refused, answers_422):
        app.add_url_rule(f"/test/{view.__name__}", view.__name__, view)
    # As in production: a crash becomes the error page instead of reaching the test.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_a_view_that_succeeds_is_committed(app_with_views):
    """What the view wrote is there for the next request."""
    assert app_with_views.test_client().get("/test/succeeds").status_code == 200
    assert _names(app_with_views) == ["Kept"]


def test_a_view_that_raises_after_writing_leaves_nothing_behind(app_with_views):
    """An exception after a flush: the shopper gets the error page and no row survives."""
    response = app_with_views.test_client().get("/test/raises")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert _names(app_with_views) == []


def test_a_refusal_no_view_caught_is_shown_and_rolled_back(app_with_views):
    """A ShopError escaping a view says what was wrong (422) and keeps nothing."""
    response = app_with_views.test_client().get("/test/refused")
    assert response.status_code == 422
    assert "Not like this." in response.get_data(as_text=True)
    assert _names(app_with_views) == []


def test_a_view_answering_with_an_error_status_keeps_nothing(app_with_views):
    """A form shown again with 422 changes nothing, whatever was written before it."""
    assert app_with_views.test_client().get("/test/answers_422").status_code == 422
    assert _names(app_with_views) == []


def test_a_job_is_one_unit_of_work(app):
    """unit_of_work commits a block that succeeds and rolls back one that fails."""
    with app.app_context():
        with transaction.unit_of_work():
            products.create_category("Made by a job")
        with pytest.raises(RuntimeError):
            with transaction.unit_of_work():
                products.create_category("Made by a failing job")
                raise RuntimeError("the job failed")
    assert _names(app) == ["Made by a job"]
