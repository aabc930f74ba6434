"""The web request's transaction (the rule is in domain/transaction.py).

A request is committed once, after its view has returned a response with a status below 400,
and rolled back when the view raises or answers with an error status: a form shown again with
422, a 404, a refused step. Views therefore never commit or roll back; a view that catches a
ShopError to show it answers 422, and whatever the failed attempt wrote goes with it.
"""
from domain import transaction


def init_app(app):
    # Registered before the other after_request functions, so it runs after them (Flask runs
    # them in reverse): a failure in any of them fails the request before anything is committed.
    @app.after_request
    def settle(response):
        transaction.finish(response.status_code < 400)
        return response

    @app.teardown_request
    def abandon(error):
        # The view or an after_request function raised past every handler: nothing is kept.
        if error is not None:
            transaction.finish(False)
