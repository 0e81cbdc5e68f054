"""Production settings that district-scale performance depends on (issue 19)."""

from django.conf import settings
from django.template import engines


def test_templates_are_compiled_once_per_process_outside_debug():
    assert not settings.DEBUG
    for name in ("django", "text"):
        [loader] = engines[name].engine.template_loaders
        assert type(loader).__module__ == "django.template.loaders.cached", name


def test_web_processes_keep_their_database_connection_and_check_it_before_reuse():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] == 600 and database["CONN_HEALTH_CHECKS"] is True
