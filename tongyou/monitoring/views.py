from django.db.models import Prefetch
from django.shortcuts import render

from .models import Plan, PlanTask


def plan(request):
    """The plan is a public document: anyone may read its tasks and units."""
    current = Plan.objects.order_by("-id").first()
    areas = []
    if current:
        tasks = PlanTask.objects.prefetch_related("lead_units", "participating_units")
        areas = current.areas.prefetch_related(Prefetch("tasks", queryset=tasks))
    return render(request, "monitoring/plan.html", {"plan": current, "areas": areas})
