"""The portal's URLs plus the two stack ceilings the benchmark compares every page with.

- `/bench/ceiling/`: the trivial page. The project's settings, middleware and context processors,
  the signed-in user, the base layout (navigation, messages) with an empty content block. Every page
  of the portal extends that layout, so no page can be faster: a page at ratio 1.0 costs nothing of
  its own.
- `/bench/bare/`: the same stack answering a two-byte body without any template (shown for reference).

Only benchmarks/run.py mounts these (it sets ROOT_URLCONF); the portal never does.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

_CEILING = engines["django"].from_string('{% extends "base.html" %}{% block content %}{% endblock %}')


def ceiling(request):
    return HttpResponse(_CEILING.render({}, request))


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench_ceiling"),
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("governance.urls")),
]
