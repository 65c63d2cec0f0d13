"""Demo accounts for development: ``flask shop seed-demo`` adds them when SHOP_ENV is
development, never elsewhere. Their addresses and passwords are in the README, and so
is the demo administrator's second-factor secret (``flask shop totp-code`` prints its
current code), so that ``make run`` leads straight into the back office.

Idempotent like the demo catalogue: an account that exists (by e-mail) is left as
it is, password included, and the professional gets a licence only if they have none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from shop.accounts.enums import Role
from shop.accounts.models import User
from shop.accounts.services import find_user_by_email, hash_password
from shop.catalog.enums import Profession
from shop.database import utcnow
from shop.errors import ShopError
from shop.extensions import db
from shop.licensing.enums import LicenceStatus
from shop.licensing.models import Licence, LicenceDocument
from shop.shipping.addresses import ShippingAddress, list_addresses, save_address


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    password: str
    role: Role = Role.CUSTOMER


# Passwords that pass the shop's own policy, so they can be typed into its forms.
DEMO_ADMIN = DemoAccount(
    "admin@mesopro.example", "Demo Administrator", "Quartz-Lantern-Meadow-58", Role.ADMIN
)
DEMO_PROFESSIONAL = DemoAccount(
    "pro@mesopro.example", "Dr Demo Professional", "Violet-Harbour-Compass-31"
)
DEMO_CLINIC = {
    "name": "Demo Aesthetic Clinic",
    "phone": "+353 1 234 5678",
    "address": "1 Merrion Square\nDublin D02 XY45\nIreland",
}
DEMO_CUSTOMER = DemoAccount("customer@mesopro.example", "Demo Customer", "Amber-Thistle-Orbit-64")
# A professional licensed in France, with a Paris clinic: orders pay French VAT, or
# none under the reverse charge once a French VAT number is on the account.
DEMO_PROFESSIONAL_FR = DemoAccount(
    "pro.fr@mesopro.example", "Dr Claire Martin", "Saffron-Lighthouse-Violin-27"
)
DEMO_ACCOUNTS = (DEMO_ADMIN, DEMO_PROFESSIONAL, DEMO_CUSTOMER, DEMO_PROFESSIONAL_FR)
# The demo administrator's TOTP secret: known to everyone who reads the README, so never
# on a server (seed_demo_accounts refuses production).
DEMO_ADMIN_TOTP_SECRET = "MESOPRODEMOADMINSECONDFACTOR2345"

DEMO_LICENCE_NUMBER = "DEMO-MCRN-000042"
# The demo professional's clinic, their default address: in Dublin, where their
# licence was issued.
DEMO_CLINIC = ShippingAddress(
    clinic_name="Merrion Square Aesthetic Clinic",
    address_line1="12 Merrion Square North",
    city="Dublin 2",
    region="Co. Dublin",
    postal_code="D02 X285",
    country="IE",
    phone="+353 1 555 0142",
)
DEMO_LICENCE_YEARS = 5
DEMO_LICENCE_NUMBER_FR = "DEMO-RPPS-10000000017"
DEMO_CLINIC_FR = ShippingAddress(
    clinic_name="Cabinet Rivoli",
    address_line1="12 rue de Rivoli",
    city="Paris",
    postal_code="75004",
    country="FR",
    phone="+33 1 44 00 00 17",
)


@dataclass
class AccountsReport:
    users: int = 0
    licences: int = 0
    addresses: int = 0
    second_factors: int = 0

    def __str__(self) -> str:
        return (
            f"added {self.users} users, {self.licences} licences, {self.addresses} addresses, "
            f"{self.second_factors} second factors"
        )


def seed_demo_accounts(*, now: datetime | None = None) -> AccountsReport:
    """Add whatever of the demo administrator, professional and customer is missing."""
    if current_app.config["SHOP_ENV"] == "production":
        raise ShopError(
            "demo_accounts_refused",
            "Demo accounts have published passwords and a published second factor: "
            "never in production.",
        )
    now = now or utcnow()
    report = AccountsReport()
    users = {}
    for account in DEMO_ACCOUNTS:
        user = find_user_by_email(account.email)
        if user is None:
            user = User(
                email=account.email,
                name=account.name,
                password_hash=hash_password(account.password),
                role=account.role,
                email_confirmed_at=now,
            )
            db.session.add(user)
            report.users += 1
        users[account] = user
    db.session.flush()

    admin = users[DEMO_ADMIN]
    if admin.totp_secret is None:
        admin.totp_secret = DEMO_ADMIN_TOTP_SECRET
        admin.totp_confirmed_at = now
        report.second_factors += 1

    professional = users[DEMO_PROFESSIONAL]
    if not professional.clinic_name:  # what the patient leaflets print
        professional.clinic_name = DEMO_CLINIC.clinic_name
        professional.clinic_phone = DEMO_CLINIC.phone
        professional.clinic_address = "\n".join(
            [DEMO_CLINIC.address_line1, f"{DEMO_CLINIC.city} {DEMO_CLINIC.postal_code}", "Ireland"]
        )
    for account, number, country, region, clinic in (
        (DEMO_PROFESSIONAL, DEMO_LICENCE_NUMBER, "IE", "Dublin", DEMO_CLINIC),
        (DEMO_PROFESSIONAL_FR, DEMO_LICENCE_NUMBER_FR, "FR", "", DEMO_CLINIC_FR),
    ):
        user = users[account]
        has_licence = db.session.scalar(
            select(Licence.id).where(Licence.user_id == user.id).limit(1)
        )
        if has_licence is None:
            _approved_licence(
                user,
                reviewer=users[DEMO_ADMIN],
                now=now,
                number=number,
                country=country,
                region=region,
            )
            report.licences += 1
        if not list_addresses(user):
            save_address(user, clinic, make_default=True)
            report.addresses += 1
    return report


def _approved_licence(
    user: User, *, reviewer: User, now: datetime, number: str, country: str, region: str
) -> Licence:
    expires_on = now.date() + timedelta(days=365 * DEMO_LICENCE_YEARS)
    pdf = demo_licence_pdf(user.name, number, expires_on)
    licence = Licence(
        user=user,
        profession=Profession.PHYSICIAN,
        licence_number=number,
        country=country,
        region=region,
        expires_on=expires_on,
        document=LicenceDocument.of("demo-licence.pdf", "application/pdf", pdf),
        status=LicenceStatus.APPROVED,
        submitted_at=now,
        reviewer=reviewer,
        decided_at=now,
    )
    db.session.add(licence)
    db.session.flush()
    return licence


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def demo_licence_pdf(holder: str, number: str, expires_on: date) -> bytes:
    """A one-page PDF that says what it is: a made-up licence for the demo."""
    lines = [
        "DEMO ONLY - not a real licence",
        "Medical Council (demo)",
        f"Holder: {holder}",
        "Profession: physician",
        f"Licence number: {number}",
        f"Valid until: {expires_on.isoformat()}",
    ]
    shown = " ".join(f"({_pdf_text(line)}) '" for line in lines)
    content = f"BT /F1 14 Tf 72 780 Td 22 TL {shown} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (index, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)
