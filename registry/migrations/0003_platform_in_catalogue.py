# The platform move (see catalogue/0001): registry entries point at catalogue.Platform (same table, state
# only), and registry's copy of the model leaves its state.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_registry_entries"),
        ("catalogue", "0001_initial"),
        ("approvals", "0003_platform_in_catalogue"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="registryentry",
                    name="platform",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="registry_entries",
                        to="catalogue.platform",
                    ),
                ),
                migrations.DeleteModel(name="Platform"),
            ],
            database_operations=[],
        ),
    ]
