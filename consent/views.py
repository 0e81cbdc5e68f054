"""Thin views: fetch through selectors (outsiders get 404, members who may not act 403), call a service,
say what happened. Every page that shows students is private to the browser (no-store)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from core.http import csv_response

from . import importing, rules, selectors, services
from .filters import LookupFilter, StudentFilter
from .forms import CheckForm, ImportConfirmForm, ImportForm, RemoveStudentForm, StudentAddForm, StudentForm
from .models import USES, Student

PAGE_SIZE = 50
IMPORT_TTL_SECONDS = 30 * 60
PREVIEW_ROWS = 200
_SALT = "consent.import"


def _private(response):
    response["Cache-Control"] = "no-store, max-age=0"
    return response


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- The teacher's check (§1.3.6) -------------------------------------------------------------------------


@login_required
def check(request):
    """Pick a class or grade (or type a few names): who may not appear in a post, and for what. Audited."""
    user = request.user
    _require(selectors.can_check(user), gettext("Only staff of a school can check its consent roster."))
    form = CheckForm(request.GET, user=user)
    context = {
        "form": form,
        "roster": form.roster,
        "uses": USES,
        "unit": form.unit,
        "can_keep": selectors.can_keep_any(user),
    }
    if form.roster:
        context["year_label"] = rules.school_year_label(form.roster.school_year)
    if form.asked and form.roster and form.is_valid():
        classes, grades, terms = form.cleaned_data["school_class"], form.cleaned_data["grade"], form.terms
        taking_part = selectors.students_taking_part(form.roster, classes=classes, grades=grades)
        restricted = list(selectors.without_full_consent(taking_part).prefetch_related("classes"))
        matches = selectors.search_students(form.roster, terms)
        services.record_lookup(
            actor=user,
            roster=form.roster,
            classes=classes,
            grades=grades,
            names_searched=len(terms),
            students_listed=len(restricted) + len(matches),
        )
        context.update(
            looked_up=True,
            classes=classes,
            grades=grades,
            terms=terms,
            taking_part_count=taking_part.count() if (classes or grades) else 0,
            restricted=restricted,
            no_photo=[s for s in restricted if not s.may("photo_video")],
            matches=matches,
            max_matches=selectors.MAX_SEARCH_RESULTS,
        )
    return _private(render(request, "consent/check.html", context))


# --- Keeping the roster ---------------------------------------------------------------------------------


@login_required
def rosters(request):
    user = request.user
    _require(
        selectors.can_keep_any(user), gettext("Only the principal and designated office staff keep consent rosters.")
    )
    kept = list(selectors.rosters_with_counts(selectors.rosters_kept_by(user)))
    for r in kept:
        r.year_label, r.purge_on = rules.school_year_label(r.school_year), rules.purge_date(r.school_year)
    year = rules.current_school_year()
    with_current = {r.org_unit_id for r in kept if r.school_year == year}
    missing = [u for u in selectors.units_kept_by(user).order_by("name") if u.pk not in with_current]
    return _private(
        render(
            request,
            "consent/rosters.html",
            {
                "rosters": kept,
                "missing_units": missing,
                "year_label": rules.school_year_label(year),
                "export_units": set(selectors.units_approved_by(user).values_list("pk", flat=True)),
                "can_view_lookups": selectors.can_view_lookups(user),
                "retention_days": rules.retention_days(),
            },
        )
    )


@login_required
def roster(request, pk: int):
    user = request.user
    roster = get_object_or_404(selectors.rosters_visible_to(user), pk=pk)
    _require(
        selectors.can_keep(user, roster.org_unit_id), gettext("Only the principal and designated office staff keep it.")
    )
    class_names = [c.name for c in selectors.classes_of(roster)]
    students = roster.students.select_related("recorded_by").prefetch_related("classes")
    filterset = StudentFilter(request.GET or None, queryset=students, class_names=class_names)
    valid = not filterset.is_bound or filterset.is_valid()
    listed = filterset.qs if valid else students.none()
    page = _page(request, listed)
    services.record_roster_view(
        actor=user,
        roster=roster,
        # Only what the filter form accepted goes on record (raw query strings may hold anything).
        filters={k: str(v) for k, v in filterset.form.cleaned_data.items() if v}
        if filterset.is_bound and valid
        else {},
        page=page.number,
        listed=len(page.object_list),
    )
    return _private(
        render(
            request,
            "consent/roster.html",
            {
                "roster": roster,
                "filter": filterset,
                "page": page,
                "uses": USES,
                "year_label": rules.school_year_label(roster.school_year),
                "can_export": selectors.can_export(user, roster.org_unit_id),
                "purge_date": rules.purge_date(roster.school_year),
            },
        )
    )


@login_required
def student_add(request):
    user = request.user
    _require(
        selectors.can_keep_any(user), gettext("Only the principal and designated office staff keep consent rosters.")
    )
    form = StudentAddForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            student = services.add_student(
                actor=user,
                org_unit=data["org_unit"],
                school_year=data["school_year"],
                school_identifier=data["school_identifier"],
                display_name=data["display_name"],
                grade=data["grade"],
                classes=data["classes"],
                answers=form.answers(),
                consent_date=data["consent_date"],
            )
        except services.ConsentError as error:
            for name, problem in error.problems.items():
                form.add_error(name if name in form.fields else None, problem)
            if not error.problems:
                form.add_error(None, str(error))
        else:
            messages.success(request, gettext("The student is on the roster."))
            return redirect("consent:roster", pk=student.roster_id)
    return _private(render(request, "consent/student_form.html", {"form": form, "adding": True}))


@login_required
def student_edit(request, pk: int):
    user = request.user
    student = get_object_or_404(Student.objects.filter(roster__in=selectors.rosters_visible_to(user)), pk=pk)
    _require(
        selectors.can_keep(user, student.roster.org_unit_id), gettext("Only the principal and office staff edit it.")
    )
    form = StudentForm(request.POST or None, initial=StudentForm.initial_for(student))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_student(
            actor=user,
            student_id=student.pk,
            display_name=data["display_name"],
            grade=data["grade"],
            classes=data["classes"],
            answers=form.answers(),
            consent_date=data["consent_date"],
        )
        messages.success(request, gettext("Saved."))
        return redirect("consent:roster", pk=student.roster_id)
    return _private(
        render(
            request,
            "consent/student_form.html",
            {"form": form, "student": student, "roster": student.roster, "remove_form": RemoveStudentForm()},
        )
    )


@login_required
@require_POST
def student_remove(request, pk: int):
    user = request.user
    student = get_object_or_404(Student.objects.filter(roster__in=selectors.rosters_visible_to(user)), pk=pk)
    _require(
        selectors.can_keep(user, student.roster.org_unit_id), gettext("Only the principal and office staff edit it.")
    )
    if not RemoveStudentForm(request.POST).is_valid():
        messages.error(request, gettext("Tick the box to confirm that the student has left the school."))
        return redirect("consent:student_edit", pk=student.pk)
    services.remove_student(actor=user, student_id=student.pk)
    messages.success(request, gettext("The student is off the roster; nothing of them is kept."))
    return redirect("consent:roster", pk=student.roster_id)


# --- Import and export -------------------------------------------------------------------------------------


def _seal(user, *, org_unit_id: int, school_year: int, files: dict, remove_missing: bool) -> str:
    """The uploaded files, signed (and compressed) for the confirm step: only this user, for half an hour."""
    data = {"u": user.pk, "unit": org_unit_id, "year": school_year, "files": files, "rm": remove_missing}
    return signing.dumps(data, salt=_SALT, compress=True)


def _unseal(user, token: str) -> dict:
    try:
        data = signing.loads(token, salt=_SALT, max_age=IMPORT_TTL_SECONDS)
    except signing.BadSignature as error:  # SignatureExpired included
        raise services.ConsentError(gettext("This preview has expired: upload the file again.")) from error
    if data.get("u") != user.pk:
        raise services.ConsentError(gettext("This preview belongs to someone else: upload the file again."))
    return data


def _read_files(cleaned: dict) -> dict:
    if cleaned.get("sis_file"):
        return {"sis": importing.read_upload(cleaned["sis_file"], gettext("The SIS export"))}
    files = {
        "users": importing.read_upload(cleaned["users_file"], "users.csv"),
        "enrollments": importing.read_upload(cleaned["enrollments_file"], "enrollments.csv"),
    }
    if cleaned.get("classes_file"):
        files["classes"] = importing.read_upload(cleaned["classes_file"], "classes.csv")
    return files


@sensitive_post_parameters("payload")
@sensitive_variables("files", "result", "context", "data")
@login_required
def import_roster(request):
    """Upload → preview with per-row problems → confirm (all rows or none); re-runnable."""
    user = request.user
    _require(selectors.can_keep_any(user), gettext("Only the principal and designated office staff import rosters."))
    form = ImportForm(user=user)
    context = {"form": form}
    if request.method == "POST" and "payload" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        try:
            if not confirm.is_valid():
                raise services.ConsentError(gettext("This preview has expired: upload the file again."))
            data = _unseal(user, confirm.cleaned_data["payload"])
            unit = get_object_or_404(selectors.units_kept_by(user), pk=data["unit"])
            result = services.import_roster(
                actor=user,
                org_unit=unit,
                school_year=data["year"],
                files=data["files"],
                dry_run=False,
                remove_missing=data["rm"],
            )
        except services.ConsentError as error:
            messages.error(request, str(error))
            return redirect("consent:import")
        if result.changes:
            counts = result.counts
            if result.remove_missing:
                text = gettext(
                    "Roster updated: %(new)s added, %(changed)s changed, %(unchanged)s unchanged, "
                    "%(removed)s taken off."
                )
            else:
                text = gettext("Roster updated: %(new)s added, %(changed)s changed, %(unchanged)s unchanged.")
            messages.success(request, text % {**counts, "removed": result.to_remove})
        else:
            messages.info(request, gettext("Nothing to change: the roster already matches this file."))
        roster = selectors.roster_of(unit.pk, data["year"])
        return redirect("consent:roster", pk=roster.pk) if roster else redirect("consent:rosters")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, user=user)
        context["form"] = form
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                files = _read_files(cleaned)
                result = services.import_roster(
                    actor=user,
                    org_unit=cleaned["org_unit"],
                    school_year=cleaned["school_year"],
                    files=files,
                    dry_run=True,
                    remove_missing=cleaned["remove_missing"],
                )
            except (importing.ImportFileError, services.ConsentError) as error:
                form.add_error(None, str(error))
            else:
                problems = [r for r in result.rows if not r.ok]
                others = [r for r in result.rows if r.ok and r.outcome != "unchanged"]
                context.update(
                    preview=result,
                    problem_rows=problems,
                    shown_rows=others[:PREVIEW_ROWS],
                    hidden_rows=max(0, len(others) - PREVIEW_ROWS),
                    year_label=rules.school_year_label(cleaned["school_year"]),
                    uses=USES,
                    confirm_form=ImportConfirmForm(
                        initial={
                            "payload": _seal(
                                user,
                                org_unit_id=cleaned["org_unit"].pk,
                                school_year=cleaned["school_year"],
                                files=files,
                                remove_missing=cleaned["remove_missing"],
                            )
                        }
                    )
                    if result.ok and result.changes
                    else None,
                )
                if not result.ok:
                    messages.warning(
                        request, gettext("Fix the problems below and upload the file again. Nothing was saved.")
                    )
                elif not result.changes:
                    messages.info(request, gettext("Nothing to change: the roster already matches this file."))
                else:
                    messages.info(request, gettext("Nothing is saved until you confirm."))
    return _private(render(request, "consent/import.html", context))


@login_required
def export(request, pk: int):
    """The approver's explicit export of one roster (the only way names leave the portal); audited."""
    user = request.user
    roster = get_object_or_404(selectors.rosters_visible_to(user), pk=pk)
    _require(
        selectors.can_export(user, roster.org_unit_id), gettext("Only the school's principal can export its roster.")
    )
    return csv_response(
        f"consent-{roster.org_unit.code}-{roster.school_year}",
        lambda writer: services.export_roster_csv(actor=user, roster=roster, writer=writer),
    )


# --- The look-up log -------------------------------------------------------------------------------------


@login_required
def lookups(request):
    """Who looked at which class, when: the approver's view of the consent look-ups of their schools."""
    user = request.user
    _require(
        selectors.can_view_lookups(user), gettext("Only a school's principal sees who looked at its consent roster.")
    )
    units = selectors.units_approved_by(user).order_by("name")
    filterset = LookupFilter(request.GET or None, queryset=selectors.lookups_visible_to(user), units=units)
    events = filterset.qs if (filterset.is_bound and filterset.is_valid()) else filterset.queryset
    if filterset.is_bound and not filterset.is_valid():
        events = events.none()
    page = _page(request, events)
    return render(
        request,
        "consent/lookups.html",
        {"filter": filterset, "page": page},
    )
