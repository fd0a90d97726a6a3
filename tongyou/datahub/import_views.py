"""Import pages: templates, upload and preview, commit with a progress bar, problem report."""

import json
import logging
import threading

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.exports import XLSX
from tongyou.core.scoping import can
from tongyou.core.uploads import upload_limit

from .models import ImportBatch, Source
from .services.imports.pipeline import AlreadyImported, begin, check, claim, progress_of, sources_for, write
from .services.imports.sources import SOURCES
from .services.imports.workbooks import report_xlsx, template_xlsx

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Source.objects.none(), label=gettext_lazy("Data source"))
    file = forms.FileField(label=gettext_lazy("File (.xlsx, .xls or .csv)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.filter(pk__in=[s.pk for s in sources_for(user)])


def _require_importer(user):
    if not can(user, "datahub.import_source"):
        raise PermissionDenied


def _own_batch(request, pk):
    """A batch is seen by the person who uploaded it, nobody else."""
    batch = get_object_or_404(ImportBatch.objects.select_related("source", "uploaded_by"), pk=pk)
    if batch.uploaded_by_id != request.user.pk:
        raise Http404
    return batch


@upload_limit(200 * 1024 * 1024)
@login_required
def import_home(request):
    _require_importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 200 MB; split it into parts."))
        else:
            content = upload.read()
            try:
                batch = begin(form.cleaned_data["source"], request.user, upload.name, content)
            except Refusal as exc:
                raise PermissionDenied(str(exc)) from None
            if batch.status == ImportBatch.Status.CHECKING:
                _in_background(check, batch, content)
            return redirect("datahub:import_detail", pk=batch.pk)
    batches = ImportBatch.objects.filter(uploaded_by=request.user).select_related("source")[:50]
    return render(
        request,
        "datahub/import_home.html",
        {"form": form, "sources": sources_for(request.user), "batches": batches},
    )


@login_required
def import_template(request, code):
    _require_importer(request.user)
    source = get_object_or_404(Source, code=code)
    if not can(request.user, "datahub.import_source", source):
        raise PermissionDenied
    response = HttpResponse(template_xlsx(code), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="template-{code}.xlsx"'
    return response


@login_required
def import_detail(request, pk):
    batch = _own_batch(request, pk)
    report = json.loads(batch.report or "{}")
    problems = [
        {
            "sheet": entry.get("sheet", ""),
            "row": entry["row"],
            "column": column,
            "message": message,
            "severity": severity,
        }
        for entry in report.get("rows", [])
        for column, message, severity in entry["problems"]
    ][:500]
    read_sheets = [s for s in batch.sheets if s.get("read")]
    processed, total = progress_of(batch)
    return render(
        request,
        "datahub/import_detail.html",
        {
            "batch": batch,
            "problems": problems,
            "spec": SOURCES[batch.source.code],
            "processed": processed,
            "total": total,
            "read_sheets": read_sheets,
            "several_sheets": len(read_sheets) > 1,
        },
    )


@login_required
@require_POST
def import_commit(request, pk):
    batch = _own_batch(request, pk)
    try:
        claim(batch, request.user, confirmed=request.POST.get("confirmed") == "1")
    except AlreadyImported as exc:
        messages.info(request, str(exc))
        return redirect("datahub:import_detail", pk=batch.pk)
    except Refusal as exc:
        messages.error(request, str(exc))
        return redirect("datahub:import_detail", pk=batch.pk)
    if settings.IMPORT_IN_BACKGROUND:
        # The request returns at once; the page polls the progress while a thread imports.
        _in_background(_write_quietly, batch, request.user)
        return redirect("datahub:import_detail", pk=batch.pk)
    try:
        write(batch, request.user)
        messages.success(request, _("Imported: every row was written."))
    except Refusal as exc:
        messages.error(request, str(exc))
    return redirect("datahub:import_detail", pk=batch.pk)


def _write_quietly(batch, user) -> None:
    try:
        write(batch, user)
    except Refusal as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(message=str(exc))


def _in_background(function, *args) -> None:
    """Run a check or a commit in a thread when IMPORT_IN_BACKGROUND (the page shows its
    progress), or now (tests). Either way no failure escapes: the batch records it."""
    if not settings.IMPORT_IN_BACKGROUND:
        function(*args)
        return

    def run() -> None:
        try:
            function(*args)
        except Exception:  # recorded on the batch by the pipeline; a thread has nobody to tell
            logger.exception("Background import step failed")
        finally:
            close_old_connections()

    _start_thread(run)


def _start_thread(target) -> None:
    threading.Thread(target=target, daemon=True).start()


@login_required
def import_progress(request, pk):
    batch = _own_batch(request, pk)
    processed, total = progress_of(batch)
    return JsonResponse({"status": batch.status, "processed": processed, "total": total})


@login_required
def import_report(request, pk):
    batch = _own_batch(request, pk)
    record(
        AuditEntry.Action.EXPORT,
        request=request,
        obj=batch,
        details={"format": "xlsx", "problem_report": True},
    )
    response = HttpResponse(report_xlsx(batch), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="problems-{batch.pk}.xlsx"'
    return response
