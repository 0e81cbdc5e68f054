"""Rate limits (on the cache): per token for the token endpoints, per address for the public ones."""

from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Every token, API["TOKEN_RATE"] requests (e.g. 600/min). Keyed by the token's id, never its key."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None  # refused before any work anyway (401)
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class VerifyRateThrottle(SimpleRateThrottle):
    """The public verification endpoint: API["VERIFY_RATE"] per client address."""

    scope = "verify"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
