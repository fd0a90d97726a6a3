from django.shortcuts import render

from tongyou.core.registry import registry


def home(request):
    """Signed in: what waits for you today, from every app's worklist; otherwise the welcome."""
    context = {}
    if request.user.is_authenticated:
        context["jurisdiction"] = request.user.jurisdiction
        context["work"] = registry.work_for(request.user)
    return render(request, "site/home.html", context)
