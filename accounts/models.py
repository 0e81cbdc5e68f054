"""People, org units and roles.

Roles:
- employee of an org unit (Membership.Role.EMPLOYEE): may request accounts for that unit;
- approver of an org unit (principal or supervisor, Membership.Role.APPROVER): decides requests
  and keeps the unit's registry (AP 1311 §1.4.2, §1.4.5, §1.4.6);
- consent clerk of an org unit (Membership.Role.CONSENT_CLERK): office staff the principal designates
  to keep the school's student media consent roster (§1.3.6, Appendix 1201 C);
- district-wide: district admin (User.is_district_admin) and communications manager
  (User.is_communications_manager, §1.5.1).
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.indexes import TrigramSearchIndex


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_district_admin=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A district staff member, identified by their district e-mail address (§1.1.1)."""

    username = None
    email = models.EmailField(_("district e-mail address"), unique=True)
    is_district_admin = models.BooleanField(
        _("district admin"),
        default=False,
        help_text=_("District IT / governance staff: sees every unit and runs the Django admin."),
    )
    is_communications_manager = models.BooleanField(
        _("communications manager"),
        default=False,
        help_text=_("Receives media inquiries (AP 1311 §1.5.1); read-only view of public accounts."),
    )

    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The portal's pages, e-mails and reminders use it. Empty: the browser's language."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        # Searched by e-mail or name (registry search by owner, audit trail by who): trigram index.
        indexes = [TrigramSearchIndex("email", "first_name", "last_name", name="user_search_trgm")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email

    @property
    def short_name(self) -> str:
        return self.get_full_name() or self.email


class OrgUnit(models.Model):
    """A school, a department or the district office (§1.2.4 links each site to its unit's website)."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        DEPARTMENT = "department", _("Department")
        DISTRICT_OFFICE = "district_office", _("District office")

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Short code, e.g. the school number."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SCHOOL)
    website_url = models.URLField(
        _("website"), blank=True, help_text=_("Professional sites link back to this page (AP 1311 §1.2.4).")
    )
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(User, verbose_name=_("members"), through="Membership", related_name="org_units")

    class Meta:
        ordering = ["name"]
        # As a district says it (issue 14): the admin lists "Schools and departments".
        verbose_name = _("school or department")
        verbose_name_plural = _("schools and departments")

    def __str__(self):
        return self.name

    @property
    def approvers(self):
        return User.objects.filter(
            is_active=True, memberships__org_unit=self, memberships__role=Membership.Role.APPROVER
        ).distinct()


class Membership(models.Model):
    """Who works in which unit, and who approves for it."""

    class Role(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        APPROVER = "approver", _("Principal / supervisor (approver)")
        # Designated office staff who keep the student media consent roster (§1.3.6).
        CONSENT_CLERK = "consent_clerk", _("Office staff: student media consent roster")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    title = models.CharField(_("title"), max_length=100, blank=True, help_text=_("e.g. Principal, Grade 5 teacher."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["org_unit__name", "role", "user__email"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "org_unit", "role"], name="membership_unique_role")]

    def __str__(self):
        return f"{self.user.email}: {self.get_role_display()} of {self.org_unit}"
