"""Remembers the current request's source address so that services can audit it."""

from contextvars import ContextVar

from core.net import client_ip

_source_ip: ContextVar[str | None] = ContextVar("audit_source_ip", default=None)


def current_source_ip() -> str | None:
    return _source_ip.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _source_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _source_ip.reset(token)
