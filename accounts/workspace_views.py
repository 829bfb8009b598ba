"""The administrators' pages of the staff workspace (routed under /manage/ by `decisions.urls`): the system
administrator manages the organ's users and organizations, the security administrator gives roles and moves
organizations (三员分立: each sees only their own tools). Thin: every act goes through `accounts.services`, which
checks the role again and records the act in the ledger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from . import workspace_forms as forms
from .errors import Refusal
from .models import Organization, User
from .roles import Role

PEOPLE_ROWS = 500


def _require(request, *roles: Role) -> None:
    """Only the administrator whose tool this is (三员分立)."""
    if not {role.value for role in roles} & request.user.role_names:
        raise PermissionDenied(_("This is another administrator's tool (三员分立); your role does not allow it."))


def _organ_ids(request) -> set[int]:
    organization = request.user.organization
    organ = organization.organ if organization else None
    if organ is None:
        raise PermissionDenied(_("Your account belongs to no decision organ."))
    return organ.descendant_ids()


def _organizations(request):
    return Organization.objects.filter(pk__in=_organ_ids(request)).order_by("code")


def _person(request, pk: int) -> User:
    person = User.objects.filter(pk=pk, organization_id__in=_organ_ids(request)).first()
    if person is None:
        raise Http404
    return person


def _organization(request, pk: int) -> Organization:
    organization = _organizations(request).filter(pk=pk).first()
    if organization is None:
        raise Http404
    return organization


def _role_of(request) -> dict:
    names = request.user.role_names
    return {
        "manages_people": Role.SYSTEM_ADMIN.value in names,
        "assigns_roles": Role.SECURITY_ADMIN.value in names,
    }


def _data(request):
    """The form's data: bound on every POST (an empty one is an error at the fields, never a blank form)."""
    return request.POST if request.method == "POST" else None


def _add_model_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _one_time_password(request, person: User, password: str):
    """The one-time password, shown this once (staff pages are never stored: Cache-Control no-store)."""
    return render(request, "accounts/workspace/one_time_password.html", {"person": person, "password": password})


# ---------------------------------------------------------------- users


@login_required
def people(request):
    _require(request, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
    members = (
        User.objects.filter(organization_id__in=_organ_ids(request))
        .select_related("organization")
        .prefetch_related("groups")
        .order_by("organization__code", "username")[:PEOPLE_ROWS]
    )
    return render(request, "accounts/workspace/people.html", {"people": members, **_role_of(request)})


@login_required
def person_create(request):
    _require(request, Role.SYSTEM_ADMIN)
    form = forms.NewPersonForm(_data(request), organizations=_organizations(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                person = services.create_user(actor=request.user, **form.cleaned_data)
                password = services.issue_one_time_password(user=person, actor=request.user)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": person})
            return _one_time_password(request, person, password)
    status = 400 if form.is_bound else 200
    return render(request, "accounts/workspace/form.html", {"form": form, "title": _("New user")}, status=status)


@login_required
def person_edit(request, pk: int):
    _require(request, Role.SYSTEM_ADMIN)
    person = _person(request, pk)
    initial = {"display_name": person.display_name, "title": person.title, "email": person.email}
    form = forms.PersonForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(user=person, actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("manage:people")
    title = _("Edit %(name)s") % {"name": person}
    status = 400 if form.is_bound else 200
    return render(request, "accounts/workspace/form.html", {"form": form, "title": title}, status=status)


@login_required
@require_POST
def person_active(request, pk: int):
    _require(request, Role.SYSTEM_ADMIN)
    person = _person(request, pk)
    form = forms.ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether to enable or disable the account."))
        return redirect("manage:people")
    try:
        services.update_user(user=person, actor=request.user, is_active=form.cleaned_data["active"])
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        enabled = form.cleaned_data["active"]
        message = _("%(name)s is enabled.") if enabled else _("%(name)s is disabled.")
        messages.success(request, message % {"name": person})
    return redirect("manage:people")


@login_required
@require_POST
def person_password(request, pk: int):
    _require(request, Role.SYSTEM_ADMIN)
    person = _person(request, pk)
    form = forms.IssuePasswordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm that you issue a one-time password."))
        return redirect("manage:people")
    try:
        password = services.issue_one_time_password(user=person, actor=request.user)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("manage:people")
    return _one_time_password(request, person, password)


@login_required
def person_roles(request, pk: int):
    _require(request, Role.SECURITY_ADMIN)
    person = _person(request, pk)
    form = forms.RoleForm(_data(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.assign_role(
                    user=person,
                    role=Role(form.cleaned_data["role"]),
                    actor=request.user,
                    client_address=request.META.get("REMOTE_ADDR", ""),
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)  # e.g. 三员分立: one person, two administrator roles
            else:
                messages.success(
                    request,
                    _("%(name)s now holds the role %(role)s.")
                    % {"name": person, "role": Role(form.cleaned_data["role"]).label},
                )
                return redirect("manage:people")
    roles = [Role(name).label for name in sorted(person.role_names) if name in Role.values]
    return render(
        request,
        "accounts/workspace/form.html",
        {"form": form, "title": _("Give %(name)s a role") % {"name": person}, "current_roles": roles},
        status=status,
    )


# ---------------------------------------------------------------- organizations


@login_required
def organizations(request):
    _require(request, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
    rows = _organizations(request).select_related("parent")
    return render(request, "accounts/workspace/organizations.html", {"organizations": rows, **_role_of(request)})


@login_required
def organization_create(request):
    _require(request, Role.SYSTEM_ADMIN)
    form = forms.NewOrganizationForm(_data(request), organizations=_organizations(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_organization(actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:  # the model's own checks, e.g. the code is taken
            _add_model_errors(form, error)
        else:
            messages.success(request, _("Organization created."))
            return redirect("manage:organizations")
    status = 400 if form.is_bound else 200
    return render(
        request, "accounts/workspace/form.html", {"form": form, "title": _("New organization")}, status=status
    )


@login_required
def organization_edit(request, pk: int):
    _require(request, Role.SYSTEM_ADMIN)
    organization = _organization(request, pk)
    initial = {name: getattr(organization, name) for name in ("code", "name", "short_name", "kind")}
    form = forms.OrganizationForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_organization(actor=request.user, organization=organization, **form.cleaned_data)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:  # the model's own checks, e.g. the code is taken
            _add_model_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("manage:organizations")
    title = _("Edit %(name)s") % {"name": organization}
    status = 400 if form.is_bound else 200
    return render(request, "accounts/workspace/form.html", {"form": form, "title": title}, status=status)


@login_required
def organization_move(request, pk: int):
    """The security administrator moves an organization: first the changes of scope are shown (`move_effects`),
    then the move goes through only with exactly those confirmed."""
    _require(request, Role.SECURITY_ADMIN)
    organization = _organization(request, pk)
    form = forms.MoveForm(_data(request), organizations=_organizations(request).exclude(pk=organization.pk))
    effects = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            new_parent = form.cleaned_data["new_parent"]
            if "confirm" in request.POST:
                try:
                    services.move_organization(
                        organization=organization,
                        new_parent=new_parent,
                        actor=request.user,
                        confirmed=form.cleaned_data["confirmed"],
                    )
                except Refusal as refusal:
                    form.add_error(None, refusal.message)
                else:
                    messages.success(
                        request,
                        _("%(organization)s moved under %(parent)s.")
                        % {"organization": organization, "parent": new_parent},
                    )
                    return redirect("manage:organizations")
            else:
                status = 200
            effects = services.move_effects(organization, new_parent)
    return render(
        request,
        "accounts/workspace/move.html",
        {"form": form, "organization": organization, "effects": effects},
        status=status,
    )
