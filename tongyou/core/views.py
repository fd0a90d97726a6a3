from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .notifications import mark_read


@login_required
def notifications(request):
    """The user's own messages; opening the page marks them read."""
    notices = list(request.user.notifications.all()[:200])
    unread = [n.pk for n in notices if n.read_at is None]
    if request.method == "POST":
        mark_read(request.user)
        return redirect("core:notifications")
    return render(request, "core/notifications.html", {"notices": notices, "unread": set(unread)})
