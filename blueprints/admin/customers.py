"""Back office: customers, members and guests alike. The list searches by name, email, phone
or order number; a customer's page shows their orders, returns, store credit, what they spent
and their conversations. The rules and the queries are in domain/customers.py."""
from flask import abort, current_app, request

from domain import customers, orders, returns

from ..htmx import render
from . import bp
from .context import conversations_for, customer_key


@bp.get("/customers", endpoint="customers")
def customer_list():
    q = (request.args.get("q") or "").strip()[:100]
    results = customers.search(q, request.args.get("page", 1)) if q else None
    rows = results.items if results is not None else customers.recent()
    return render("admin/customers/list.html", q=q, results=results, rows=rows,
                  key=customer_key)


@bp.get("/customers/<key>", endpoint="customer")
def customer_page(key):
    ref = customers.ref_from_key(key, current_app.config["SECRET_KEY"])
    customer = customers.profile(ref) if ref is not None else None
    if customer is None:
        abort(404)
    return render("admin/customers/customer.html", customer=customer,
                  conversations=conversations_for(customer), status_label=orders.status_label,
                  action_label=returns.action_label)
