"""JSON Lines for the audit stream (`?format=jsonl` or `Accept: application/x-ndjson`): one event
per line, what log shippers and SIEMs read natively."""

import json

from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder


class JSONLinesRenderer(BaseRenderer):
    media_type = "application/x-ndjson"
    format = "jsonl"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "events" in data:
            rows = data["events"]
        elif isinstance(data, list):
            rows = data
        else:  # an error body: still one JSON object on one line
            rows = [data]
        lines = (json.dumps(row, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":")) for row in rows)
        return "".join(line + "\n" for line in lines).encode("utf-8")
