"""Schemathesis hooks for the service's conformance run (.ci/conformance): JSON Lines bodies.

POST /v1/check/batch and POST /v1/due take application/x-ndjson (one timeline a line); schemathesis has no
serializer for it, so a generated body (a string, as the OpenAPI document declares it) is sent as it is, and a
generated object as one JSON line.
"""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value).encode("utf-8") + b"\n"
