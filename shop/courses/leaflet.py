"""The patient leaflet: its words in one place administrators edit, and what one
leaflet holds (the clinic, the treatment, the session dates, the product's
contraindications in a patient's words).

The words are Markdown, turned into HTML by markdown-it-py with raw HTML off and
cleaned by nh3 on top, so nothing an editor types can add a script or a style.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import select

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.catalog.models import Product
from shop.courses.errors import CourseError, PlanFieldErrors
from shop.courses.models import LeafletText
from shop.courses.planning import PlanLine
from shop.extensions import db

MAX_SECTION_LENGTH = 4000
_markdown = MarkdownIt("commonmark", {"html": False})
_ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "br", "a", "h3", "h4", "blockquote"}


@dataclass(frozen=True)
class Section:
    name: str  # the LeafletText column
    title: str  # the heading it has in the leaflet
    help: str  # for the administrator who edits it


SECTIONS = (
    Section(
        "treatment",
        "About your treatment",
        "What mesotherapy is and what a course is like, in plain words.",
    ),
    Section(
        "before_session",
        "Before each session",
        "What to avoid in the days before a session.",
    ),
    Section(
        "after_session",
        "After each session",
        "What to avoid after a session, and for how long.",
    ),
    Section(
        "usual_reactions",
        "What is normal afterwards",
        "The usual local reactions and how long they last.",
    ),
    Section(
        "when_to_call",
        "When to call the clinic",
        "What should not wait: the clinic's phone number is printed right after it.",
    ),
)

# The words until an administrator first saves the leaflet: the one source of them.
DEFAULT_TEXT = {
    "treatment": (
        "Mesotherapy treats the skin or scalp with many very small injections of a sterile"
        " solution, just under the surface, where it is needed. It is given as a course:"
        " several sessions, a set number of days apart. Each session takes about 20 to 40"
        " minutes. Results build up over the course, so keep every appointment."
    ),
    "before_session": (
        "In the week before each session:\n\n"
        "- no laser treatment and no chemical peels on the area;\n"
        "- no alcohol in the 24 hours before the session;\n"
        "- antibiotics and blood thinners (such as aspirin) only as your doctor advises:"
        " never stop a medicine on your own, and tell us what you take."
    ),
    "after_session": (
        "For 24 to 48 hours after each session:\n\n"
        "- no strenuous exercise and no gym;\n"
        "- no swimming pool, solarium, sauna or spa;\n"
        "- no heat: no sunbathing, and no hot baths or hot showers;\n"
        "- do not rub, massage or scratch the treated area;\n"
        "- no heavy make-up on the treated area."
    ),
    "usual_reactions": (
        "Where you were treated you may have some **pain**, **redness**, **itching**,"
        " **sensitivity**, small **bruises** or **swelling**. These are usual and pass by"
        " themselves, most within a few hours, some within a few days."
    ),
    "when_to_call": (
        "Call the clinic straight away, instead of waiting, if:\n\n"
        "- redness, swelling or pain gets worse after the second day;\n"
        "- the area becomes hot, hard or oozes, or you have a fever;\n"
        "- a bruise or a lump does not fade within a week;\n"
        "- you have any trouble breathing, a rash elsewhere or swelling of the face or lips:"
        " this needs a doctor at once (call the emergency number)."
    ),
}


def render_markdown(text: str) -> Markup:
    """The section's Markdown as safe HTML."""
    html = _markdown.render(text or "")
    return Markup(nh3.clean(html, tags=_ALLOWED_TAGS, link_rel="noopener noreferrer"))


def current_leaflet_text() -> LeafletText:
    """The leaflet's words: the saved ones, or the first words until there are any."""
    saved = db.session.scalar(select(LeafletText).order_by(LeafletText.id).limit(1))
    return saved or LeafletText(**DEFAULT_TEXT)


def edit_leaflet_text(actor: User, sections: dict[str, str]) -> LeafletText:
    """Save the leaflet's words; the audit event names each section that changed, with
    its length before and after. Raises PlanFieldErrors by section."""
    errors = {}
    cleaned = {}
    for section in SECTIONS:
        text = (sections.get(section.name) or "").replace("\r\n", "\n").strip()
        if not text:
            errors[section.name] = f"Write the section “{section.title}”."
        elif len(text) > MAX_SECTION_LENGTH:
            errors[section.name] = f"A section is at most {MAX_SECTION_LENGTH} characters."
        cleaned[section.name] = text
    if errors:
        raise PlanFieldErrors(errors)
    leaflet = db.session.scalar(
        select(LeafletText).order_by(LeafletText.id).limit(1).with_for_update()
    )
    if leaflet is None:
        leaflet = LeafletText(**DEFAULT_TEXT)
        db.session.add(leaflet)
    changed = [
        f"{section.name}: {len(getattr(leaflet, section.name))} → {len(cleaned[section.name])}"
        " characters"
        for section in SECTIONS
        if getattr(leaflet, section.name) != cleaned[section.name]
    ]
    for name, text in cleaned.items():
        setattr(leaflet, name, text)
    leaflet.updated_by_id = actor.id
    db.session.flush()
    if changed:
        record_event(
            actor=actor,
            action="leaflet.update",
            subject_type="leaflet",
            subject_id=leaflet.id,
            reason="; ".join(changed),
        )
    return leaflet


# One leaflet --------------------------------------------------------------------------


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    address: str
    email: str

    @classmethod
    def of(cls, user: User) -> Clinic:
        return cls(
            name=user.clinic_name or user.name,
            phone=user.clinic_phone,
            address=user.clinic_address,
            email=user.email,
        )


@dataclass(frozen=True)
class LeafletTreatment:
    """One product of the course, as the patient reads it."""

    product_name: str
    treated: str  # 'hair loss (androgenetic alopecia)'
    sessions: int | None
    interval_days: int | None
    session_dates: tuple[date, ...]
    not_for_you: str  # the contraindications in a patient's words


@dataclass(frozen=True)
class Leaflet:
    clinic: Clinic
    treatments: list[LeafletTreatment]
    sections: list[tuple[Section, Markup]]
    clinic_incomplete: bool  # the account lacks the clinic's name or phone

    @property
    def session_dates(self) -> list[date]:
        """Every session of the course, once each, in order."""
        return sorted({day for treatment in self.treatments for day in treatment.session_dates})


def _not_for_you(product: Product) -> str:
    protocol = product.protocol
    if protocol is not None and protocol.patient_contraindications:
        return protocol.patient_contraindications
    return product.contraindications


def leaflet_for(
    user: User, products: list[Product], lines: list[PlanLine], treated: str
) -> Leaflet:
    """The leaflet for these products; ``lines`` (of a plan, by product) give the dates."""
    text = current_leaflet_text()
    by_product = {line.product_id: line for line in lines}
    treatments = []
    for product in products:
        line = by_product.get(product.id)
        treatments.append(
            LeafletTreatment(
                product_name=product.name,
                treated=treated,
                sessions=line.sessions if line else None,
                interval_days=line.interval_days if line else None,
                session_dates=line.session_dates if line else (),
                not_for_you=_not_for_you(product),
            )
        )
    return Leaflet(
        clinic=Clinic.of(user),
        treatments=treatments,
        sections=[(section, render_markdown(getattr(text, section.name))) for section in SECTIONS],
        clinic_incomplete=not (user.clinic_name and user.clinic_phone),
    )


def leaflet_error(message: str) -> CourseError:
    return CourseError(CourseError.INVALID_LEAFLET, message)
