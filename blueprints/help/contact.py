"""How to reach the shop, for a question the help page did not answer."""
from ..htmx import render
from ..pagecache import cached_page
from . import bp


@bp.get("/help/contact")
@cached_page
def contact():
    return render("help/contact.html")
