"""Back office: the shop's people. The owner invites someone by email with a role, changes a
role, takes someone's access away (their sessions end) and withdraws a waiting invitation.
The rules (the last owner stays, an invitation waits once per address) are in domain/staff.py;
only owners reach these pages (blueprints/backoffice.py)."""
from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from domain import staff
from domain.errors import ShopError

from ..common import shop
from ..htmx import render
from ..templating import now
from . import bp
from .forms import EmptyForm
from .staff_forms import InviteForm, RoleForm


def invitation_url(token):
    """The link for the email, on SHOP_URL when set (like the password reset link)."""
    path = url_for("account.staff_invitation", token=token)
    base = current_app.config.get("SHOP_URL")
    return base.rstrip("/") + path if base else url_for("account.staff_invitation", token=token,
                                                         _external=True)


def _page(form=None, status=200):
    moment = now()
    if form is None:
        form = InviteForm(formdata=None, data={"language": shop().main_language})
    return render("admin/staff.html", form=form, status=status, team=staff.team(),
                  invitations=staff.pending(moment), expires_at=staff.expires_at,
                  days=staff.INVITATION_DAYS,
                  role_label=staff.role_label, empty_form=EmptyForm(),
                  role_form=lambda user: RoleForm(formdata=None, data={"role": user.staff_role}))


@bp.get("/staff", endpoint="staff")
def staff_page():
    return _page()


@bp.post("/staff/invite")
def staff_invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            staff.invite(form.email.data, form.role.data, current_user, invitation_url,
                         current_app.config["SECRET_KEY"], now(), locale=form.language.data)
        except ShopError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for(".staff"), code=303)
    return _page(form, status=422)


def _change(step, done_message):
    """Run one step on the staff page; a refusal is shown with 422 and changes nothing."""
    if not EmptyForm().validate_on_submit():
        flash(_("Nothing was changed: please try again."), "error")
        return _page(status=422)
    try:
        step()
    except ShopError as error:
        flash(str(error), "error")
        return _page(status=422)
    flash(done_message, "success")
    return redirect(url_for(".staff"), code=303)


@bp.post("/staff/<id:user_id>/role")
def staff_role(user_id):
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Nothing was changed: please try again."), "error")
        return _page(status=422)
    return _change(lambda: staff.change_role(user_id, form.role.data), _("Role changed."))


@bp.post("/staff/<id:user_id>/remove")
def staff_remove(user_id):
    return _change(lambda: staff.remove_access(user_id),
                   _("Access removed: they are signed out of the back office."))


@bp.post("/staff/invitations/<id:invitation_id>/revoke")
def staff_revoke(invitation_id):
    return _change(lambda: staff.revoke(invitation_id, now()), _("Invitation withdrawn."))
