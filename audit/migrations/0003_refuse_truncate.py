"""On PostgreSQL the database also refuses TRUNCATE of the audit table (issue 11: the trail is append-only).

Row triggers (0002) do not fire on TRUNCATE: a statement-level BEFORE TRUNCATE trigger does. The one
exception is a session that sets `audit.allow_truncate` to 'on': the test suite does (conftest.py, on its
own PostgreSQL connections only), because pytest-django empties every table with TRUNCATE between
transactional tests. The portal never sets it. It guards against mistakes and careless scripts; a
database owner who means harm can drop triggers, which is what database permissions are for.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('audit.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(forwards, backwards)]
