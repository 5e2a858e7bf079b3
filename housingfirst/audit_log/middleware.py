"""Read-only by construction.

- Auditors hold view permissions only; on top of that, any request by an auditor that would
  write (POST, PUT, PATCH, DELETE) answers 403 everywhere, whatever the view, except signing
  in and out (two-factor steps included).
- History is never reverted from the admin, by anyone: simple-history's admin "revert" form
  saves the live record from an old version, bypassing the app's services (access grants,
  assignment history, optimistic locking), so its POST answers 403 for every user, superusers
  included (and ``SIMPLE_HISTORY_REVERT_DISABLED`` hides the button).
"""

from django.core.exceptions import PermissionDenied

from ..roles import Role, role_of

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
SIGN_IN_AND_OUT = {"login", "logout", "two_factor_verify", "two_factor_set_up"}


class ReadOnlyAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if url_name and url_name.endswith("_simple_history"):
            raise PermissionDenied("History cannot be reverted.")
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and role_of(user) is Role.AUDITOR
            and url_name not in SIGN_IN_AND_OUT
        ):
            raise PermissionDenied("Auditors read; they change nothing.")
        return None
