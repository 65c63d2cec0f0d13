"""The OpenAPI 3.1 document of /api/v1; the tests hold real responses against it."""

from __future__ import annotations

from functools import cache
from typing import Any

from shop.catalog.enums import IngredientKind, ProductForm, Profession, SortOrder, TreatmentArea
from shop.catalog.protocols import MAX_SESSIONS
from shop.catalog.query import MAX_PAGE, MAX_QUERY_LENGTH, MAX_VALUES_PER_FILTER
from shop.catalog.query import SLUG as SLUG_RE
from shop.courses.planning import MAX_PATIENTS, MAX_PER_PAGE
from shop.guard import MAX_URL_LENGTH

SLUG = {"type": "string", "pattern": SLUG_RE.pattern, "maxLength": 80}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(description: str, *, retry_after: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }
    if retry_after:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "required": True,
                "schema": {"type": "integer", "minimum": 0},
            }
        }
    return response


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _responses(
    ok: dict[str, Any],
    *,
    bad_request: dict[str, Any] | None = None,
    not_found: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An operation's answers: its own, and the errors any request to the API may get."""
    responses = {"200": ok, "400": bad_request or MALFORMED_QUERY}
    if not_found is not None:
        responses["404"] = not_found
    responses["414"] = _error_response(
        f"The URL is longer than {MAX_URL_LENGTH} bytes (uri_too_long)."
    )
    responses["429"] = _error_response(
        "Too many requests from this address; retry later (rate_limited). One allowance "
        "covers every endpoint of the API.",
        retry_after=True,
    )
    responses["503"] = _error_response(
        "The database is unavailable; retry later (unavailable).", retry_after=True
    )
    return responses


MALFORMED_QUERY = _error_response(
    "The query string has control characters or is not UTF-8 (invalid_parameter)."
)


def _slug_filter(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "required": False,
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": SLUG, "maxItems": MAX_VALUES_PER_FILTER},
    }


def _term_list(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": _ref(item)}},
    }


def _product_properties() -> dict[str, Any]:
    return {
        "sku": {"type": "string"},
        "slug": SLUG,
        "name": {"type": "string"},
        "brand": {
            "type": "object",
            "required": ["slug", "name"],
            "additionalProperties": False,
            "properties": {"slug": SLUG, "name": {"type": "string"}},
        },
        "form": {"type": "string", "enum": [form.value for form in ProductForm]},
        "volume_ml": {"type": "number", "exclusiveMinimum": 0},
        "units_per_pack": {"type": "integer", "minimum": 1},
        "price": {
            "description": "Null where prices are hidden from this caller.",
            "oneOf": [_ref("Price"), {"type": "null"}],
        },
        "ingredients": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slug", "name", "concentration"],
                "additionalProperties": False,
                "properties": {
                    "slug": SLUG,
                    "name": {"type": "string"},
                    "concentration": {
                        "type": ["string", "null"],
                        "description": "Value and unit, such as '20 mg/ml'; null where the maker does not disclose it.",
                    },
                },
            },
        },
        "indications": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slug", "name", "area"],
                "additionalProperties": False,
                "properties": {
                    "slug": SLUG,
                    "name": {"type": "string"},
                    "area": {"type": "string", "enum": [area.value for area in TreatmentArea]},
                },
            },
        },
        "professions": {
            "type": "array",
            "description": "The professions allowed to buy the product.",
            "items": {"type": "string", "enum": [p.value for p in Profession]},
        },
        "available": {
            "type": ["integer", "null"],
            "minimum": 0,
            "description": "Packs that can be sold now (unexpired lots); null where hidden from this caller.",
        },
        "images": {
            "type": "array",
            "description": "The product's pictures in order (the first is its main one); empty where it has none.",
            "items": _ref("Image"),
        },
    }


PRODUCT_FIELDS = [
    "sku",
    "slug",
    "name",
    "brand",
    "form",
    "volume_ml",
    "units_per_pack",
    "price",
    "ingredients",
    "indications",
    "professions",
    "available",
    "images",
]


@cache
def openapi_document() -> dict[str, Any]:
    facet_value = {
        "type": "object",
        "required": ["slug", "name", "count"],
        "additionalProperties": False,
        "properties": {
            "slug": SLUG,
            "name": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
        },
    }
    product = {
        "type": "object",
        "required": PRODUCT_FIELDS,
        "additionalProperties": False,
        "properties": _product_properties(),
    }
    product_detail = {
        "type": "object",
        "required": [*PRODUCT_FIELDS, "description", "contraindications"],
        "additionalProperties": False,
        "properties": {
            **_product_properties(),
            "description": {"type": "string"},
            "contraindications": {"type": "string"},
        },
    }
    bad_request = _error_response(
        "A parameter is malformed or out of range (invalid_parameter), or names a value the "
        "catalogue does not have (unknown_filter_value)."
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "MesoPro catalogue API",
            "version": "1.0.0",
            "description": (
                "Read-only catalogue of professional mesotherapy solutions. Filters take slugs and may "
                "repeat: several values of one filter match any of them, different filters must all match. "
                "A facet group's counts apply every other selected filter and not its own."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/products": {
                "get": {
                    "operationId": "listProducts",
                    "summary": "Active products, filtered, sorted and paged, with facet counts",
                    "parameters": [
                        _slug_filter(
                            "ingredient", "Ingredient slug; repeat for several (any of them)."
                        ),
                        _slug_filter(
                            "indication", "Indication slug; repeat for several (any of them)."
                        ),
                        {
                            "name": "area",
                            "in": "query",
                            "description": "Treatment area; repeat for several (any of them).",
                            "style": "form",
                            "explode": True,
                            "schema": {
                                "type": "array",
                                "items": SLUG,
                                "maxItems": MAX_VALUES_PER_FILTER,
                            },
                        },
                        _slug_filter("brand", "Brand slug; repeat for several (any of them)."),
                        {
                            "name": "q",
                            "in": "query",
                            "description": "Free text over name, brand, ingredients, indications and description; every word must match.",
                            "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                        },
                        {
                            "name": "sort",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": [order.value for order in SortOrder],
                                "default": SortOrder.RELEVANCE.value,
                            },
                        },
                        {
                            "name": "page",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_PAGE,
                                "default": 1,
                            },
                        },
                        {
                            "name": "per_page",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 100,
                                "default": 24,
                            },
                        },
                    ],
                    "responses": _responses(
                        _ok("A page of products", "ProductList"), bad_request=bad_request
                    ),
                }
            },
            "/products/{slug}": {
                "get": {
                    "operationId": "getProduct",
                    "summary": "One active product with its long texts",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": _responses(
                        _ok("The product", "ProductDetail"),
                        not_found=_error_response(
                            "No active product has this slug (product_not_found), or the "
                            "path holds control characters or is not UTF-8 (not_found)."
                        ),
                    ),
                }
            },
            "/ingredients": {
                "get": {
                    "operationId": "listIngredients",
                    "summary": "Every ingredient, with the number of active products that contain it",
                    "responses": _responses(_ok("Ingredients", "IngredientList")),
                }
            },
            "/indications": {
                "get": {
                    "operationId": "listIndications",
                    "summary": "Every indication with its treatment area and number of active products",
                    "responses": _responses(_ok("Indications", "IndicationList")),
                }
            },
            "/brands": {
                "get": {
                    "operationId": "listBrands",
                    "summary": "Every brand with its number of active products",
                    "responses": _responses(_ok("Brands", "BrandList")),
                }
            },
            "/plan": _plan_path(),
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "responses": _responses(
                        {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    ),
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "additionalProperties": False,
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "additionalProperties": False,
                            "properties": {
                                "code": {
                                    "type": "string",
                                    "examples": [
                                        "invalid_parameter",
                                        "unknown_filter_value",
                                        "product_not_found",
                                        "not_found",
                                        "uri_too_long",
                                        "rate_limited",
                                        "unavailable",
                                    ],
                                },
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
                "Money": {
                    "type": "object",
                    "required": ["amount_cents", "currency"],
                    "additionalProperties": False,
                    "properties": {
                        "amount_cents": {"type": "integer", "minimum": 0},
                        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    },
                },
                "Image": {
                    "type": "object",
                    "required": ["alt", "width", "height", "sizes"],
                    "additionalProperties": False,
                    "properties": {
                        "alt": {
                            "type": "string",
                            "description": "What the picture shows, for people who cannot see it.",
                        },
                        "width": {"type": "integer", "minimum": 1},
                        "height": {"type": "integer", "minimum": 1},
                        "sizes": {
                            "type": "array",
                            "minItems": 1,
                            "description": (
                                "The widths kept (160, 480 and 1200 pixels, or fewer for a smaller "
                                "picture), narrowest first, each as WebP and JPEG. The URLs name "
                                "their content and never change: they may be cached for good."
                            ),
                            "items": {
                                "type": "object",
                                "required": ["width", "height", "webp", "jpeg"],
                                "additionalProperties": False,
                                "properties": {
                                    "width": {"type": "integer", "minimum": 1},
                                    "height": {"type": "integer", "minimum": 1},
                                    "webp": {
                                        "type": "string",
                                        "pattern": "^/media/[0-9a-f]{64}[.]webp$",
                                    },
                                    "jpeg": {
                                        "type": "string",
                                        "pattern": "^/media/[0-9a-f]{64}[.]jpg$",
                                    },
                                },
                            },
                        },
                    },
                },
                "Price": {
                    "type": "object",
                    "description": "A catalogue price and what it includes, as the shop's "
                    "configuration enters prices (net or gross) and as the seller's country "
                    "names its tax; the tax itself is worked out at checkout for the address "
                    "an order goes to.",
                    "required": ["amount_cents", "currency", "includes_tax", "tax_label"],
                    "additionalProperties": False,
                    "properties": {
                        "amount_cents": {"type": "integer", "minimum": 0},
                        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                        "includes_tax": {"type": "boolean"},
                        "tax_label": {
                            "type": "string",
                            "description": "What the amount includes, as pages say it.",
                            "examples": ["excl. VAT", "incl. VAT", "plus sales tax"],
                        },
                    },
                },
                "Product": product,
                "ProductDetail": product_detail,
                "FacetValue": facet_value,
                "ProductList": {
                    "type": "object",
                    "required": ["items", "total", "page", "per_page", "facets"],
                    "additionalProperties": False,
                    "properties": {
                        "items": {"type": "array", "items": _ref("Product"), "maxItems": 100},
                        "total": {"type": "integer", "minimum": 0},
                        "page": {"type": "integer", "minimum": 1},
                        "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                        "facets": {
                            "type": "object",
                            "required": ["ingredient", "indication", "area", "brand"],
                            "additionalProperties": False,
                            "properties": {
                                group: {"type": "array", "items": _ref("FacetValue")}
                                for group in ("ingredient", "indication", "area", "brand")
                            },
                        },
                    },
                },
                "Ingredient": {
                    "type": "object",
                    "required": ["slug", "name", "kind", "description", "product_count"],
                    "additionalProperties": False,
                    "properties": {
                        "slug": SLUG,
                        "name": {"type": "string"},
                        "kind": {"type": "string", "enum": [kind.value for kind in IngredientKind]},
                        "description": {"type": "string"},
                        "product_count": {"type": "integer", "minimum": 0},
                    },
                },
                "Indication": {
                    "type": "object",
                    "required": ["slug", "name", "area", "description", "product_count"],
                    "additionalProperties": False,
                    "properties": {
                        "slug": SLUG,
                        "name": {"type": "string"},
                        "area": {"type": "string", "enum": [area.value for area in TreatmentArea]},
                        "description": {"type": "string"},
                        "product_count": {"type": "integer", "minimum": 0},
                    },
                },
                "Brand": {
                    "type": "object",
                    "required": ["slug", "name", "country", "description", "product_count"],
                    "additionalProperties": False,
                    "properties": {
                        "slug": SLUG,
                        "name": {"type": "string"},
                        "country": {"type": ["string", "null"], "pattern": "^[A-Z]{2}$"},
                        "description": {"type": "string"},
                        "product_count": {"type": "integer", "minimum": 0},
                    },
                },
                **_plan_schemas(),
                "IngredientList": _term_list("Ingredient"),
                "IndicationList": _term_list("Indication"),
                "BrandList": _term_list("Brand"),
            }
        },
    }


# The course planner (shop.api.planning) ------------------------------------------------


def _plan_path() -> dict[str, Any]:
    def integer(
        name: str, description: str, low: int, high: int, *, required: bool = False, **extra
    ) -> dict[str, Any]:
        return {
            "name": name,
            "in": "query",
            "description": description,
            "required": required,
            "schema": {"type": "integer", "minimum": low, "maximum": high, **extra},
        }

    return {
        "get": {
            "operationId": "planCourse",
            "summary": "Plan a course: volume, packs, cost and lots for each product that fits",
            "description": (
                "Give an indication (its area follows) or a treatment area. For every active "
                "product with a protocol for that area, cheapest course first: the volume "
                "needed (patients x sessions x volume per session), the whole packs that "
                "cover it, the cost (as prices are entered: see prices), and the lots an order placed today would "
                "get, first expiry first out, each flagged when it expires on or before the "
                "course's last session. A parameter may not be present and empty."
            ),
            "parameters": [
                {
                    "name": "indication",
                    "in": "query",
                    "description": "Indication slug; the plan covers its treatment area.",
                    "schema": SLUG,
                },
                {
                    "name": "area",
                    "in": "query",
                    "description": "Treatment area, when no indication is given (or its own).",
                    "schema": {"type": "string", "enum": [a.value for a in TreatmentArea]},
                },
                integer("patients", "Patients treated.", 1, MAX_PATIENTS, required=True),
                integer(
                    "sessions",
                    "Sessions per course; left out, each product's usual most.",
                    1,
                    MAX_SESSIONS,
                ),
                {
                    "name": "start",
                    "in": "query",
                    "required": True,
                    "description": "The first session's date: today or later, within two years.",
                    "schema": {"type": "string", "format": "date"},
                },
                integer("page", "Page of products, from 1.", 1, 10_000, default=1),
                integer("per_page", "Products per page.", 1, MAX_PER_PAGE, default=24),
            ],
            "responses": _responses(
                _ok("The plan", "CoursePlan"),
                bad_request=_error_response(
                    "A parameter is missing, malformed or out of range (invalid_parameter), "
                    "or names an indication the catalogue does not have (unknown_filter_value)."
                ),
            ),
        }
    }


def _plan_schemas() -> dict[str, Any]:
    day = {"type": "string", "format": "date"}
    money_or_null = {"oneOf": [_ref("Money"), {"type": "null"}]}
    lot = {
        "type": "object",
        "required": ["lot_number", "expires_on", "packs", "expires_before_last_session"],
        "additionalProperties": False,
        "properties": {
            "lot_number": {"type": "string"},
            "expires_on": day,
            "packs": {"type": "integer", "minimum": 1},
            "expires_before_last_session": {"type": "boolean"},
        },
    }
    stock = {
        "type": "object",
        "required": ["available", "covered", "expires_before_last_session", "lots"],
        "additionalProperties": False,
        "properties": {
            "available": {"type": "integer", "minimum": 0},
            "covered": {"type": "boolean"},
            "expires_before_last_session": {"type": "boolean"},
            "lots": {"type": "array", "items": lot},
        },
    }
    item_fields = {
        "sku": {"type": "string"},
        "slug": SLUG,
        "name": {"type": "string"},
        "brand": {"type": "string"},
        "sessions": {"type": "integer", "minimum": 1},
        "usual_sessions": {
            "type": "object",
            "required": ["min", "max"],
            "additionalProperties": False,
            "properties": {
                "min": {"type": "integer", "minimum": 1},
                "max": {"type": "integer", "minimum": 1},
            },
        },
        "interval_days": {"type": "integer", "minimum": 1},
        "repeat_months": {"type": "integer", "minimum": 1},
        "session_dates": {"type": "array", "items": day, "minItems": 1},
        "volume_per_session_ml": {"type": "number", "exclusiveMinimum": 0},
        "volume_needed_ml": {"type": "number", "exclusiveMinimum": 0},
        "pack_volume_ml": {"type": "number", "exclusiveMinimum": 0},
        "packs": {"type": "integer", "minimum": 1},
        "price_per_pack": {
            **money_or_null,
            "description": "As prices are entered (see prices); null where prices are hidden "
            "from this caller.",
        },
        "cost": {**money_or_null, "description": "packs x price_per_pack."},
        "stock": {
            "oneOf": [stock, {"type": "null"}],
            "description": "Null where stock is hidden from this caller, as prices are.",
        },
    }
    return {
        "CoursePlanItem": {
            "type": "object",
            "required": list(item_fields),
            "additionalProperties": False,
            "properties": item_fields,
        },
        "CoursePlan": {
            "type": "object",
            "required": ["request", "prices", "items", "total", "page", "per_page"],
            "additionalProperties": False,
            "properties": {
                "request": {
                    "type": "object",
                    "required": ["indication", "area", "patients", "sessions", "start"],
                    "additionalProperties": False,
                    "properties": {
                        "indication": {"oneOf": [SLUG, {"type": "null"}]},
                        "area": {"type": "string", "enum": [a.value for a in TreatmentArea]},
                        "patients": {"type": "integer", "minimum": 1},
                        "sessions": {"type": ["integer", "null"], "minimum": 1},
                        "start": day,
                    },
                },
                "prices": {
                    "type": "string",
                    "enum": ["excluding tax", "including tax"],
                    "description": "Whether price_per_pack and cost include tax, as the "
                    "shop enters its prices.",
                },
                "items": {"type": "array", "items": _ref("CoursePlanItem"), "maxItems": 100},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            },
        },
    }
