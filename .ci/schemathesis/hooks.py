"""Schemathesis hooks: a schema-valid request gets a fresh Idempotency-Key,
as a real client makes one per write. Generated keys repeat across
requests with other bodies, which the services rightly refuse (422,
idempotency-key-reused), and the coverage phase sends keys its own
reading of the pattern admits (`0`) that the pattern does not. A negative
case keeps the key it was generated with, so that its 400 is still
tested."""

import uuid

import schemathesis


@schemathesis.hook
def before_call(ctx, case, kwargs):
    meta = getattr(case, "meta", None)
    positive = meta is None or str(meta.generation.mode) == "positive"
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and positive:
            headers[name] = f'"{uuid.uuid4()}"'
