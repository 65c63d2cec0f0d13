"""Plans put in the cart, saved, ordered again, and the reminder the worker mails once
per course when its usual repeat interval comes up.

Every cart change goes through the cart's own service, so the purchase gate and the
stock are asked for every product as on any other path. Services flush and never
commit: the caller owns the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.accounts.models import User
from shop.catalog.enums import TreatmentArea
from shop.checkout.services import add_to_cart
from shop.courses.errors import CourseError
from shop.courses.models import CoursePlan, CoursePlanProduct
from shop.courses.planning import PlanLine, PlanRequest, add_months, plan_course
from shop.extensions import db
from shop.mail.services import external_url, queue_mail

MAX_NAME_LENGTH = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def chosen_lines(
    request: PlanRequest, product_ids: Sequence[int], *, today: date
) -> list[PlanLine]:
    """The plan's lines for the products chosen, each of which must fit the plan."""
    wanted = list(dict.fromkeys(product_ids))
    if not wanted:
        raise CourseError(CourseError.NOTHING_CHOSEN, "Tick at least one product for the plan.")
    lines = plan_course(request, today=today, product_ids=wanted).lines
    if len(lines) != len(wanted):
        raise CourseError(
            CourseError.PRODUCT_NOT_IN_PLAN,
            "A product you ticked no longer fits this plan (it left the catalogue or its"
            " protocol changed): plan again.",
        )
    order = {product_id: position for position, product_id in enumerate(wanted)}
    return sorted(lines, key=lambda line: order[line.product_id])


def add_plan_to_cart(user: User, lines: Sequence[PlanLine], *, today: date) -> int:
    """Put every line's packs in the user's cart, each through the gate and the stock
    check (a refusal raises CartError; the caller rolls back). Returns the packs added."""
    for line in lines:
        add_to_cart(user, line.product_id, line.packs, today=today)
    return sum(line.packs for line in lines)


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise CourseError(
            CourseError.INVALID_NAME, "Name the plan after your protocol, such as “Scalp, spring”."
        )
    if len(name) > MAX_NAME_LENGTH or _CONTROL.search(name):
        raise CourseError(
            CourseError.INVALID_NAME, f"A plan's name is at most {MAX_NAME_LENGTH} characters."
        )
    return name


def reminder_due(first_session: date, lines: Sequence[PlanLine]) -> date:
    """When the course is usually repeated: the shortest repeat interval of its products."""
    return add_months(first_session, min(line.repeat_months for line in lines))


def save_plan(user: User, request: PlanRequest, lines: Sequence[PlanLine], name: str) -> CoursePlan:
    plan = CoursePlan(
        user_id=user.id,
        name=_check_name(name),
        indication=request.indication,
        area=request.area.value,
        patients=request.patients,
        sessions=request.sessions,
        first_session_on=request.first_session,
        reminder_due_on=reminder_due(request.first_session, lines),
        items=[
            CoursePlanProduct(product_id=line.product_id, position=position)
            for position, line in enumerate(lines)
        ],
    )
    db.session.add(plan)
    db.session.flush()
    return plan


def plan_request_of(plan: CoursePlan, first_session: date | None = None) -> PlanRequest:
    return PlanRequest(
        area=TreatmentArea(plan.area),
        indication=plan.indication,
        patients=plan.patients,
        sessions=plan.sessions,
        first_session=first_session or plan.first_session_on,
    )


def plan_lines(
    plan: CoursePlan, *, today: date, first_session: date | None = None
) -> list[PlanLine]:
    """The saved plan worked out again on today's catalogue and stock; products that no
    longer fit it are left out."""
    ids = [item.product_id for item in plan.items]
    if not ids:
        return []
    lines = plan_course(plan_request_of(plan, first_session), today=today, product_ids=ids).lines
    order = {product_id: position for position, product_id in enumerate(ids)}
    return sorted(lines, key=lambda line: order[line.product_id])


def order_plan_again(
    user: User, plan: CoursePlan, first_session: date, *, today: date, now: datetime
) -> list[PlanLine]:
    """Put the plan's packs in the cart for a new course starting ``first_session``: the
    plan takes the new dates, and its reminder is due again a repeat interval later."""
    if first_session < today:
        raise CourseError(CourseError.INVALID_PARAMETER, "The first session cannot be in the past.")
    lines = plan_lines(plan, today=today, first_session=first_session)
    if not lines:
        raise CourseError(
            CourseError.PRODUCT_NOT_IN_PLAN,
            "None of this plan's products is in the catalogue with a protocol any more.",
        )
    add_plan_to_cart(user, lines, today=today)
    plan.first_session_on = first_session
    plan.reminder_due_on = reminder_due(first_session, lines)
    plan.reminder_sent_at = None
    plan.last_ordered_at = now
    db.session.flush()
    return lines


def list_plans(user: User) -> list[CoursePlan]:
    return list(
        db.session.scalars(
            select(CoursePlan)
            .where(CoursePlan.user_id == user.id)
            .options(selectinload(CoursePlan.items).selectinload(CoursePlanProduct.product))
            .order_by(CoursePlan.reminder_due_on, CoursePlan.id)
        )
    )


def find_own_plan(user: User, plan_id: int) -> CoursePlan | None:
    """The user's plan with this id; None for another's (it is not theirs to see)."""
    return db.session.scalar(
        select(CoursePlan).where(CoursePlan.id == plan_id, CoursePlan.user_id == user.id)
    )


def delete_plan(plan: CoursePlan) -> None:
    db.session.delete(plan)
    db.session.flush()


# The reminder ---------------------------------------------------------------------------


@dataclass
class ReminderReport:
    sent: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        ids = f" ({', '.join(map(str, self.sent))})" if self.sent else ""
        return f"sent {len(self.sent)} course reminder(s){ids}"


def send_course_reminders(now: datetime) -> ReminderReport:
    """Mail each plan's owner once when the course is due to be repeated.

    Plans are locked in primary-key order; one another worker holds is left to it, and
    the sent mark is written in the same transaction as the mail's outbox row.
    """
    today = now.date()
    report = ReminderReport()
    plans = db.session.scalars(
        select(CoursePlan)
        .where(CoursePlan.reminder_sent_at.is_(None), CoursePlan.reminder_due_on <= today)
        .order_by(CoursePlan.id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    for plan in plans:
        user = plan.user
        plan.reminder_sent_at = now
        if not user.is_enabled:
            continue
        queue_mail(
            user.email,
            f"Time to plan the next course: {plan.name}",
            "course_reminder",
            user=user,
            plan=plan,
            plan_url=external_url("courses.plan_detail", plan_id=plan.id),
        )
        report.sent.append(plan.id)
    db.session.flush()
    return report
