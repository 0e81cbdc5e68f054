"""The bulk set-up page and the admin's directory screens."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.factories import UserFactory
from accounts.models import Membership, OrgUnit, User
from audit.models import AuditEvent
from directory.models import ConnectionToken, DirectoryConnection, DirectoryGroup, DirectoryImport
from directory.services import tokens

from .test_bulk import STAFF, UNITS

pytestmark = pytest.mark.django_db


def _upload(client, **files):
    data = {
        name: SimpleUploadedFile(f"{name}.csv", content, content_type="text/csv") for name, content in files.items()
    }
    return client.post(reverse("directory:import"), data)


def test_a_district_admin_uploads_previews_and_applies_an_import(client_for, district_admin):
    client = client_for(district_admin)
    response = _upload(client, units=UNITS, staff=STAFF)
    batch = DirectoryImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("directory:import_preview", args=[batch.pk])
    page = client.get(response.url)
    assert b"Hillcrest Middle" in page.content and b"Apply the import" in page.content
    assert page["Cache-Control"].startswith("no-store")
    applied = client.post(reverse("directory:import_apply", args=[batch.pk]), follow=True)
    assert b"Imported: 2 units created, 3 people created" in applied.content
    assert OrgUnit.objects.filter(code="hillcrest").exists()


def test_a_preview_with_problems_offers_no_apply_button(client_for, district_admin):
    client = client_for(district_admin)
    response = _upload(client, staff=b"email,unit\nx@gmail.com,nowhere\n")
    page = client.get(response.url)
    assert b"Nothing can be imported" in page.content and b"Apply the import" not in page.content
    assert b"x@gmail.com is not a district e-mail address" in page.content


def test_an_upload_without_files_keeps_the_form_with_an_error(client_for, district_admin):
    response = client_for(district_admin).post(reverse("directory:import"), {"full_roster": "on"})
    assert response.status_code == 200
    assert b"Choose a units file, a staff file, or both." in response.content
    assert not DirectoryImport.objects.exists()


def test_a_full_roster_preview_offers_to_offboard_absent_staff(client_for, district_admin, teacher):
    client = client_for(district_admin)
    response = client.post(
        reverse("directory:import"),
        {"units": SimpleUploadedFile("u.csv", UNITS), "staff": SimpleUploadedFile("s.csv", STAFF), "full_roster": "on"},
    )
    page = client.get(response.url)
    assert f'value="{teacher.pk}"'.encode() in page.content
    client.post(response.url + "apply/", {"offboard": [str(teacher.pk)]})
    teacher.refresh_from_db()
    assert not teacher.is_active


def test_people_who_are_not_district_admins_are_refused_the_page(client_for, principal):
    assert client_for(principal).get(reverse("directory:import")).status_code == 403


def test_another_admins_import_is_not_found(client_for, district_admin):
    other = UserFactory(email="admin2@sd.example", is_district_admin=True, is_staff=True)
    batch = DirectoryImport.objects.create(created_by=other, data={"units": [], "people": []})
    client = client_for(district_admin)
    assert client.get(reverse("directory:import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("directory:import_apply", args=[batch.pk])).status_code == 404


def test_apply_refuses_get(client_for, district_admin):
    batch = DirectoryImport.objects.create(created_by=district_admin, data={"units": [], "people": []})
    assert client_for(district_admin).get(reverse("directory:import_apply", args=[batch.pk])).status_code == 405


# --- admin -------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, district_admin):
    client.force_login(district_admin)
    return client


def test_issuing_a_token_in_the_admin_shows_it_once_and_stores_only_its_hash(admin_client):
    connection = DirectoryConnection.objects.create(name="Entra ID (staff)")
    url = reverse("admin:directory_directoryconnection_issue_token", args=[connection.pk])
    assert b"Issue the token" in admin_client.get(url).content
    response = admin_client.post(url)
    token = ConnectionToken.objects.get()
    plaintext = response.content.decode().split('id="scim-token">', 1)[1].split("<", 1)[0]
    assert plaintext.startswith(token.prefix) and tokens.hash_token(plaintext) == token.token_hash
    assert response["Cache-Control"].startswith("no-store")
    assert tokens.authenticate(plaintext) == connection
    # Shown once: the connection's page lists the prefix only.
    page = admin_client.get(reverse("admin:directory_directoryconnection_change", args=[connection.pk]))
    assert plaintext not in page.content.decode() and token.prefix in page.content.decode()
    assert AuditEvent.objects.filter(action="directory.token_issued").count() == 1


def test_revoking_tokens_in_the_admin_refuses_them_from_then_on(admin_client, district_admin):
    connection = DirectoryConnection.objects.create(name="Entra ID (staff)")
    token, plaintext = tokens.issue_token(actor=district_admin, connection=connection)
    response = admin_client.post(
        reverse("admin:directory_connectiontoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert b"Revoked 1 token." in response.content
    assert tokens.authenticate(plaintext) is None
    assert AuditEvent.objects.filter(action="directory.token_revoked", actor=district_admin).exists()


def test_mapping_a_group_in_the_admin_gives_its_members_memberships(admin_client, district_admin, school_a):
    from directory.services import provisioning

    connection = DirectoryConnection.objects.create(name="Entra ID (staff)")
    record = provisioning.provision_user(connection=connection, person=provisioning.Person(email="nora@sd.example"))
    group = provisioning.create_group(connection=connection, display_name="Ridgeview staff", members=[record])
    url = reverse("admin:directory_directorygroup_change", args=[group.pk])
    response = admin_client.post(
        url,
        {
            "mappings-TOTAL_FORMS": "1",
            "mappings-INITIAL_FORMS": "0",
            "mappings-0-org_unit": str(school_a.pk),
            "mappings-0-role": Membership.Role.APPROVER,
            "mappings-0-title": "Principal",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert Membership.objects.filter(user__email="nora@sd.example", org_unit=school_a, role="approver").exists()
    assert DirectoryGroup.objects.get(pk=group.pk).mappings.count() == 1
    assert User.objects.get(email="nora@sd.example").memberships.get().title == "Principal"
