"""Schemathesis against the API in-process: every check it has but one, over the OpenAPI document.

Left out: positive_data_acceptance. It expects every request the document
allows to succeed, but a well-formed filter slug that names nothing in the
catalogue is refused with 400 unknown_filter_value, by design (a typo in a
filter must not silently widen the result). The document does not list the
catalogue's slugs as an enum: they change with the catalogue, and clients read
them from /ingredients, /indications and /brands.

A request the document forbids may also be refused with 414 (a URL over the
app's limit), which schemathesis does not count as a refusal by itself.

A fixed seed and a bounded number of examples keep the run the same everywhere
and short.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from shop.api.openapi import openapi_document

EXCLUDED_CHECKS = ["positive_data_acceptance"]
SEED = 20261125
MAX_EXAMPLES = 60

schema = schemathesis.openapi.from_dict(openapi_document())
schema.config.seed = SEED
schema.config.checks.update(included_check_names=["all"], excluded_check_names=EXCLUDED_CHECKS)
schema.config.generation.update(max_examples=MAX_EXAMPLES, database="none")
rejection = schema.config.checks.negative_data_rejection
rejection.expected_statuses = [*rejection.expected_statuses, "414"]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    database=None,
    deadline=None,
    # The app and its catalogue are pytest fixtures, shared by every example on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_document_says(case, app, catalogue):
    case.call_and_validate(app=app)
