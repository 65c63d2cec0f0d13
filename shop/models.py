"""Every model, imported in one place so Alembic and the app see the whole schema, and the
hooks that move the catalogue token with every change to the catalogue."""

from shop.accounts.models import LoginThrottle, RecoveryCode, User, UserSession  # noqa: F401
from shop.audit.models import AuditEvent  # noqa: F401
from shop.billing.models import (  # noqa: F401
    CreditNote,
    CreditNoteLine,
    DocumentCounter,
    Invoice,
)
from shop.catalog import token  # noqa: F401  (its hooks: shop.catalog.token)
from shop.catalog.models import (  # noqa: F401
    Brand,
    CatalogImage,
    CatalogState,
    Indication,
    Ingredient,
    Product,
    ProductImage,
    ProductIngredient,
    ProductProfession,
    ProductProtocol,
    ProtocolVolume,
    SlugRedirect,
    product_indications,
)
from shop.checkout.models import CartLine  # noqa: F401
from shop.courses.models import CoursePlan, CoursePlanProduct, LeafletText  # noqa: F401
from shop.inventory.models import (  # noqa: F401
    StockLot,
    StockMovement,
    StockReservation,  # noqa: F401
)
from shop.licensing.models import Licence, LicenceDocument  # noqa: F401
from shop.mail.models import OutboxAttachment, OutboxMessage  # noqa: F401
from shop.media.models import MediaFile  # noqa: F401
from shop.operations.models import JobSchedule, SchemaCompatibility, WorkerHeartbeat  # noqa: F401
from shop.orders.models import Order, OrderEvent, OrderLine  # noqa: F401
from shop.payments.models import StripeEvent  # noqa: F401
from shop.shipping.models import (  # noqa: F401
    ClinicAddress,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    ShippingZoneArea,
)
from shop.tax.models import ExemptionCertificate, TaxRate, VatNumber  # noqa: F401
