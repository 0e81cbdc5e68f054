"""The project's URLs plus a stand-in `registry:register`, to test the "next step" link on its own."""

from django.http import HttpResponse
from django.urls import URLResolver, include, path

from governance.urls import urlpatterns as project_urlpatterns


def register_stub(request, pk):
    return HttpResponse(f"register {pk}")


urlpatterns = [p for p in project_urlpatterns if not (isinstance(p, URLResolver) and p.namespace == "registry")] + [
    path("registry/", include(([path("register/<int:pk>/", register_stub, name="register")], "registry")))
]
