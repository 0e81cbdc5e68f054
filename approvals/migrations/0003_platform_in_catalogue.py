# The platform move (see catalogue/0001): requests point at catalogue.Platform (same table, state only).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0002_draft_acknowledgements_and_rejection_rule"),
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accountrequest",
                    name="platform",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="account_requests",
                        to="catalogue.platform",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
