from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from tongyou.regions.models import Region

from .notifications import mark_read


def home(request):
    context = {}
    if request.user.is_authenticated:
        context["jurisdiction"] = request.user.jurisdiction
        context["street_count"] = Region.objects.filter(level=Region.Level.STREET).count()
    return render(request, "core/home.html", context)


@login_required
def notifications(request):
    """The user's own messages; opening the page marks them read."""
    notices = list(request.user.notifications.all()[:200])
    unread = [n.pk for n in notices if n.read_at is None]
    if request.method == "POST":
        mark_read(request.user)
        return redirect("core:notifications")
    return render(request, "core/notifications.html", {"notices": notices, "unread": set(unread)})
