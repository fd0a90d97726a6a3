from django.shortcuts import render

from tongyou.regions.models import Region


def home(request):
    context = {}
    if request.user.is_authenticated:
        context["jurisdiction"] = request.user.jurisdiction
        context["street_count"] = Region.objects.filter(level=Region.Level.STREET).count()
    return render(request, "core/home.html", context)
