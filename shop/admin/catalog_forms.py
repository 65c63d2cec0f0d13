"""The back office's catalogue forms: a product, and a brand, ingredient or indication.

Fields take what a person types (a price as money, a concentration as a number)
and say what is wrong beside each field; the rules the database must hold
(unique SKU and slug, known ingredient) are the catalogue's, whose refusals come
back to the same fields.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from shop.catalog.enums import (
    ConcentrationUnit,
    IngredientKind,
    ProductForm,
    Profession,
    TaxClass,
    TreatmentArea,
)
from shop.catalog.protocols import VOLUME_PER_SESSION, ProtocolFields
from shop.catalog.values import DECIMAL, VOLUME, price_cents

ACTIVE_CHOICES = [("", "Active and inactive"), ("yes", "Active only"), ("no", "Inactive only")]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CompositionRowForm(Form):
    """One line of the composition; a row whose ingredient is blank is left out."""

    ingredient = StringField(
        "Ingredient",
        validators=[Optional(), Length(max=120)],
        description="Its name or slug, as in the ingredient list.",
        render_kw={"list": "ingredient-names", "autocomplete": "off"},
    )
    concentration_value = StringField(
        "Concentration", validators=[Optional()], render_kw={"inputmode": "decimal"}
    )
    concentration_unit = SelectField(
        "Unit", choices=[("", "Not disclosed"), *ConcentrationUnit.choices()]
    )

    def validate_concentration_value(self, field) -> None:
        text = (field.data or "").strip()
        if text and (not DECIMAL.match(text) or Decimal(text) <= 0):
            raise ValidationError("Enter a number above zero, such as 20 or 0.5.")
        if bool(text) != bool(self.concentration_unit.data):
            raise ValidationError("Give both a value and a unit, or neither.")

    def concentration(self) -> tuple[Decimal | None, str | None]:
        text = (self.concentration_value.data or "").strip()
        if not text:
            return None, None
        return Decimal(text), self.concentration_unit.data


def _whole_or_empty(_form, field) -> None:
    text = (field.data or "").strip()
    if text and not re.fullmatch(r"[0-9]{1,3}", text):
        raise ValidationError("Enter a whole number, such as 4.")


class ProtocolForm(Form):
    """The treatment protocol: all empty for none. One volume field per treatment area
    (``volume_<area>``) is added below the class."""

    sessions_min = StringField(
        "Fewest sessions",
        validators=[Optional(), _whole_or_empty],
        description="Of a course, such as 8.",
        render_kw={"inputmode": "numeric"},
    )
    sessions_max = StringField(
        "Most sessions",
        validators=[Optional(), _whole_or_empty],
        description="The same number when there is no range.",
        render_kw={"inputmode": "numeric"},
    )
    interval_days = StringField(
        "Days between sessions",
        validators=[Optional(), _whole_or_empty],
        description="14 for every two weeks.",
        render_kw={"inputmode": "numeric"},
    )
    repeat_months = StringField(
        "Course repeated every (months)",
        validators=[Optional(), _whole_or_empty],
        description="12 for once a year.",
        render_kw={"inputmode": "numeric"},
    )
    patient_contraindications = TextAreaField(
        "Contraindications in a patient's words",
        description="Printed on the patient leaflet; leave empty to print the ones above.",
        render_kw={"rows": 3},
    )

    @staticmethod
    def volume_name(area: TreatmentArea) -> str:
        return "volume_" + area.value.replace("-", "_")

    def volume_fields(self) -> list:
        return [self[self.volume_name(area)] for area in TreatmentArea]

    def protocol(self) -> ProtocolFields | None:
        """The protocol typed (None when every field is empty); numbers that do not read
        are 0, which the catalogue refuses beside their field."""
        texts = [self[name].data or "" for name in ("sessions_min", "sessions_max")]
        texts += [self.interval_days.data or "", self.repeat_months.data or ""]
        volumes = {
            area: (self[self.volume_name(area)].data or "").strip() for area in TreatmentArea
        }
        notes = (self.patient_contraindications.data or "").strip()
        if not any(text.strip() for text in texts) and not any(volumes.values()) and not notes:
            return None
        numbers = [int(t) if t.strip().isdigit() else 0 for t in texts]
        return ProtocolFields(
            sessions_min=numbers[0],
            sessions_max=numbers[1] or numbers[0],
            interval_days=numbers[2],
            repeat_months=numbers[3],
            volumes={
                area: Decimal(text)
                for area, text in volumes.items()
                if text and VOLUME_PER_SESSION.match(text)
            },
            patient_contraindications=notes,
        )


def _volume_or_empty(_form, field) -> None:
    text = (field.data or "").strip()
    if text and not VOLUME_PER_SESSION.match(text):
        raise ValidationError("Enter ml per session, such as 2.5.")


for _area in TreatmentArea:
    setattr(
        ProtocolForm,
        ProtocolForm.volume_name(_area),
        StringField(
            f"{_area.label}: ml per session",
            validators=[Optional(), _volume_or_empty],
            render_kw={"inputmode": "decimal"},
        ),
    )


class ProductEditForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("Give the product a name."), Length(max=160)]
    )
    sku = StringField(
        "SKU",
        validators=[DataRequired("Give the product its SKU."), Length(max=40)],
        description="Upper-case letters, digits and dashes; unique.",
    )
    slug = StringField(
        "Slug",
        validators=[Length(max=80)],
        description="Its address, after /products/. Left empty, it is made from the name.",
    )
    brand = SelectField("Brand", coerce=int, validate_choice=False)
    form = SelectField("Form", choices=ProductForm.choices())
    volume_ml = StringField(
        "Volume per unit (ml)",
        validators=[DataRequired("Give the volume of one unit.")],
        render_kw={"inputmode": "decimal"},
    )
    units_per_pack = StringField(
        "Units per pack",
        validators=[DataRequired("Say how many units a pack holds.")],
        render_kw={"inputmode": "numeric"},
    )
    price = StringField(
        "Price per pack",
        validators=[DataRequired("Give the price.")],
        description="An amount such as 149.00.",
        render_kw={"inputmode": "decimal"},
    )
    currency = StringField(
        "Currency",
        default="EUR",
        validators=[DataRequired("Give the currency.")],
        description="A three-letter code such as EUR.",
    )
    weight_g = StringField(
        "Weight per pack (g)",
        default="0",
        description="As shipped, for weight-based shipping rates; empty or 0: not weighed.",
        render_kw={"inputmode": "numeric"},
    )
    requires_cold_chain = BooleanField("Requires the cold chain (ships only cooled, 2 to 8 °C)")
    tax_class = SelectField(
        "Tax class",
        choices=[SelectChoice(value, label) for value, label in TaxClass.choices()],
        default=TaxClass.STANDARD.value,
        description="Which of the destination's rates it takes (the rates are on the Tax page).",
    )
    description = TextAreaField("Description", render_kw={"rows": 4})
    contraindications = TextAreaField("Contraindications", render_kw={"rows": 3})
    composition = FieldList(FormField(CompositionRowForm), min_entries=1, max_entries=60)
    indications = MultiCheckboxField("Indications", coerce=int, validate_choice=False)
    professions = MultiCheckboxField("Professions allowed to buy it", choices=Profession.choices())
    protocol = FormField(ProtocolForm)
    is_active = BooleanField("Shown in the catalogue (active)", default=True)
    add_row = SubmitField("Add a composition row")
    submit = SubmitField("Save")

    def validate_volume_ml(self, field) -> None:
        text = (field.data or "").strip()
        if not VOLUME.match(text) or Decimal(text) <= 0:
            raise ValidationError("Enter the volume in ml, above zero, such as 5 or 2.5.")

    def validate_units_per_pack(self, field) -> None:
        text = (field.data or "").strip()
        if not re.fullmatch(r"[0-9]{1,4}", text) or int(text) < 1:
            raise ValidationError("Enter a whole number of units, at least 1.")

    def validate_weight_g(self, field) -> None:
        text = (field.data or "").strip() or "0"
        if not re.fullmatch(r"[0-9]{1,5}", text):
            raise ValidationError("Enter the weight in whole grams, such as 180 (0: not weighed).")

    def validate_price(self, field) -> None:
        try:
            price_cents(field.data)
        except (ValueError, InvalidOperation):
            raise ValidationError(
                "Enter the price as an amount such as 149.00 (digits, at most two decimals)."
            ) from None

    def validate_currency(self, field) -> None:
        field.data = (field.data or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", field.data):
            raise ValidationError("A currency is a three-letter code such as EUR.")

    def validate_professions(self, field) -> None:
        if not field.data:
            raise ValidationError("Say which professions may buy the product.")


class ProductFilterForm(FlaskForm):
    """The product list's search and filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField("Name or SKU", validators=[Optional(), Length(max=100)])
    brand = SelectField("Brand", default="", validate_choice=False)
    active = SelectField("Status", default="", choices=ACTIVE_CHOICES)
    profession = SelectField(
        "Profession", default="", choices=[("", "Any profession"), *Profession.choices()]
    )


class ProductDeleteForm(FlaskForm):
    submit = SubmitField("Delete this product")


class ProductActivateForm(FlaskForm):
    submit = SubmitField("Activate")


class TermCreateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give it a name."), Length(max=120)])
    slug = StringField(
        "Slug",
        validators=[Length(max=80)],
        description="Its address. Left empty, it is made from the name.",
    )
    # Only the vocabulary's own field is shown and read (kind, area or country).
    ingredient_kind = SelectField(
        "Kind", default="", choices=[("", "Choose a kind"), *IngredientKind.choices()]
    )
    area = SelectField(
        "Treatment area", default="", choices=[("", "Choose an area"), *TreatmentArea.choices()]
    )
    country = StringField(
        "Country",
        validators=[Length(max=2)],
        description="Optional: a two-letter code such as ES.",
    )
    submit = SubmitField("Create")


class TermRenameForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give it a name."), Length(max=120)])
    slug = StringField(
        "Slug",
        validators=[DataRequired("Give it a slug."), Length(max=80)],
        description="Changing it keeps the old address working: it redirects here.",
    )
    submit = SubmitField("Rename")


class TermMergeForm(FlaskForm):
    survivor = SelectField("Merge into", coerce=int, validate_choice=False)
    confirm = BooleanField(
        "I understand: this one is removed and its products move to the other",
        validators=[DataRequired("Tick the box to confirm the merge.")],
    )
    submit = SubmitField("Merge")

    def validate_survivor(self, field) -> None:
        if not field.data or field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose which one to merge into.")


class ProductImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose the CSV file to check.")],
        description="UTF-8, with a header row naming the columns; at most 5 MB.",
        render_kw={"accept": ".csv,text/csv"},
    )
    submit = SubmitField("Check the file (dry run)")


class ProductImportApplyForm(FlaskForm):
    """The confirmation of a dry run: the same file, carried signed (``content``)."""

    content = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Import")


# Pictures ------------------------------------------------------------------------------

PICTURE_ACCEPT = "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"


class ProductPictureUploadForm(FlaskForm):
    """A new picture for a product, uploaded on its page."""

    file = FileField(
        "Picture",
        validators=[FileRequired("Choose a photo to upload.")],
        description="JPEG, PNG or WebP, at most 10 MB. It is re-encoded: turned upright,"
        " its metadata (camera, place) removed.",
        render_kw={"accept": PICTURE_ACCEPT},
    )
    alt_text = StringField(
        "Alt text",
        validators=[DataRequired("Describe the picture for people who cannot see it.")],
        description="What the picture shows, for screen readers and when it cannot load:"
        " “The pack of Hydra HA 20 with one vial”.",
        render_kw={"maxlength": 250},
    )
    submit = SubmitField("Upload the picture")


class ProductPictureForm(FlaskForm):
    """One of a product's pictures: its alt text saved, or the picture moved or taken off
    (the button pressed sends ``action``)."""

    alt_text = StringField("Alt text", render_kw={"maxlength": 250})


class PictureLibraryUploadForm(FlaskForm):
    """Several pictures at once, for the product CSV to name."""

    files = MultipleFileField(
        "Pictures",
        validators=[FileRequired("Choose one or more photos to upload.")],
        description="JPEG, PNG or WebP, at most 10 MB each. The product CSV names each"
        " picture by its file name.",
        render_kw={"accept": PICTURE_ACCEPT},
    )
    submit = SubmitField("Upload the pictures")
