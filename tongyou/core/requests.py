"""The signed-in request, for annotations: views behind login_required and the admin site see a
real user, not AnonymousUser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from tongyou.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User  # narrower than HttpRequest's User | AnonymousUser
