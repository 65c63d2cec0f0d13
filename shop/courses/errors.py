from __future__ import annotations

from shop.errors import ShopError


class CourseError(ShopError):
    INVALID_PARAMETER = "invalid_parameter"
    UNKNOWN_FILTER_VALUE = "unknown_filter_value"
    NOTHING_CHOSEN = "nothing_chosen"
    PRODUCT_NOT_IN_PLAN = "product_not_in_plan"
    INVALID_NAME = "invalid_name"
    INVALID_LEAFLET = "invalid_leaflet"


class PlanFieldErrors(CourseError):
    """Several refusals at once, each tied to the parameter or field it is about."""

    def __init__(self, errors: dict[str, str]) -> None:
        code = (
            CourseError.UNKNOWN_FILTER_VALUE
            if "indication" in errors and errors["indication"].startswith("There is no")
            else CourseError.INVALID_PARAMETER
        )
        super().__init__(code, " ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors
