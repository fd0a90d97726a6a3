"""The office's page for the statistics bureau's population figures: what is held, the table to
fill, and the upload (tongyou/spaces/population.py holds the rules)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongyou.core.errors import Refusal
from tongyou.core.exports import download
from tongyou.core.scoping import require
from tongyou.core.uploads import upload_limit

from . import population
from .models import Population


@login_required
def population_list(request):
    require(request.user, "spaces.import_population")
    figures = Population.objects.select_related("region").order_by("-year", "region__code")
    return render(request, "spaces/population.html", {"figures": figures[:500]})


@login_required
def population_template(request):
    require(request.user, "spaces.import_population")
    return download(population.template(), "population.xlsx")


@upload_limit(5 * 1024 * 1024)
@login_required
@require_POST
def population_import(request):
    require(request.user, "spaces.import_population")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the statistics bureau's table."))
        return redirect("spaces:population")
    try:
        recorded = population.import_population(request.user, upload.name, upload.read(5 * 1024 * 1024 + 1))
    except Refusal as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(count)s population figures recorded.") % {"count": recorded})
    return redirect("spaces:population")
