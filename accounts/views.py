"""The staff member's own account: changing the password (required after a one-time password)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from . import services


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, Django's validators), recorded in the ledger."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_password_changed(user=self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return response
