# The platform catalogue moves here from registry, below approvals and registry, so that neither
# imports the other. Only Django's state moves: the table keeps its name (registry_platform), so no
# row, constraint or foreign key is touched. Its content type (and so its permissions) follows it.
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="catalogue", model="platform").exists():
        ContentType.objects.filter(app_label="registry", model="platform").update(app_label="catalogue")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="catalogue", model="platform").update(app_label="registry")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0002_registry_entries"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Platform",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True)),
                        (
                            "is_approved",
                            models.BooleanField(
                                default=True,
                                help_text="Only approved platforms can be requested (§1.4.7).",
                                verbose_name="approved by the district",
                            ),
                        ),
                        (
                            "rules_url",
                            models.URLField(
                                blank=True,
                                help_text="Terms of use staff must understand first (§1.3.4).",
                                verbose_name="platform rules",
                            ),
                        ),
                        (
                            "supports_comments_off",
                            models.BooleanField(default=True, verbose_name="comments can be turned off"),
                        ),
                        ("notes", models.TextField(blank=True)),
                    ],
                    options={"ordering": ["name"], "db_table": "registry_platform"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
