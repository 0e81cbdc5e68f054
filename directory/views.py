"""The district admin's bulk set-up page: upload → preview (per-row problems, what changes, who is
absent) → apply (everything or nothing). Thin: parse, fetch through the selectors, call a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.converters import is_valid_id

from . import selectors
from .forms import BulkUploadForm
from .models import DirectoryImport
from .services import DirectoryError, bulk


def _require_admin(request) -> None:
    if not selectors.can_run_bulk_setup(request.user):
        raise PermissionDenied("Bulk set-up is for district admins.")


@login_required
def import_start(request):
    _require_admin(request)
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = bulk.read_upload(
                actor=request.user,
                units=form.files_of("units"),
                staff=form.files_of("staff"),
                roles=form.files_of("roles"),
                full_roster=form.cleaned_data["full_roster"],
            )
        except DirectoryError as error:
            form.add_error(None, str(error))
        else:
            return redirect("directory:import_preview", pk=batch.pk)
    return render(request, "directory/import.html", {"form": form})


@login_required
def import_preview(request, pk: int):
    _require_admin(request)
    batch = get_object_or_404(selectors.imports_visible_to(request.user), pk=pk)
    result = bulk.preview(batch) if batch.status == DirectoryImport.Status.PREVIEWED else None
    response = render(request, "directory/preview.html", {"batch": batch, "preview": result})
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@require_POST
@login_required
def import_apply(request, pk: int):
    _require_admin(request)
    batch = get_object_or_404(selectors.imports_visible_to(request.user), pk=pk)
    offboard = [int(v) for v in request.POST.getlist("offboard") if is_valid_id(v)]
    try:
        counts = bulk.apply_import(actor=request.user, batch=batch, offboard=offboard)
    except DirectoryError as error:
        messages.error(request, str(error))
        return redirect("directory:import_preview", pk=batch.pk)
    messages.success(
        request,
        _(
            "Imported: %(units_created)s units created, %(people_created)s people created, "
            "%(people_updated)s updated, %(offboarded)s offboarded."
        )
        % counts,
    )
    return redirect("directory:import_preview", pk=batch.pk)
