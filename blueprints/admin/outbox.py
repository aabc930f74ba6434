"""Back office: the emails the shop sent or is trying to send, and the .eml files written
when no mail server is configured. The merchants-only guard in routes.py covers these too."""
from flask import abort, current_app, request, send_from_directory

from domain import mailer
from domain.extensions import db
from domain.models import OutboxMessage

from ..htmx import render
from ..mail import kind_label
from ..templating import now
from . import bp


def _folder():
    return current_app.config["MAIL_FOLDER"]


def _transport_label():
    url = current_app.config.get("SMTP_URL")
    return str(mailer.SMTPTransport(url)) if url else ""


@bp.get("/outbox")
def outbox():
    unsent_only = request.args.get("show") == "unsent"
    view = mailer.overview(now(), unsent_only=unsent_only)
    return render("admin/outbox.html", view=view, unsent_only=unsent_only,
                  eml_ids=mailer.eml_ids(_folder()), smtp=_transport_label(),
                  stuck_after=mailer.STUCK_AFTER, cannot_be_built=mailer.CANNOT_BE_BUILT,
                  kind_label=kind_label)


@bp.get("/outbox/<id:message_id>")
def outbox_message(message_id):
    """The .eml file of one message as the customer would read it (the plain-text part)."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    email = mailer.read_eml(_folder(), message_id) or abort(404)
    text = email.get_body(("plain",))
    return render("admin/outbox_message.html", message=message, email=email,
                  text=text.get_content() if text else "", kind_label=kind_label)


@bp.get("/outbox/<id:message_id>.eml")
def outbox_eml(message_id):
    """The .eml file itself: opens in a mail program with its HTML part."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    name = f"{message.order.number}-{message.kind}.eml" if message.order else f"{message.kind}-{message.id}.eml"
    return send_from_directory(_folder(), mailer.eml_name(message_id), mimetype="message/rfc822",
                               as_attachment=True, download_name=name, max_age=0)
