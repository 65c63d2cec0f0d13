"""PDF documents from HTML, with WeasyPrint: the patient leaflet, and the invoices after it.

WeasyPrint lays out text with Pango and needs a font; on Debian the packages are
``libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core`` (``devtools/system-packages``
checks for them on ``make run`` and ``make test``). The documents name no outside
resource: their CSS is in the page, so rendering fetches nothing.
"""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document (its <title> is the PDF's; its CSS in a
    <style>; nothing fetched)."""
    # Imported here: loading WeasyPrint loads Pango, which only PDF requests need.
    from PIL import ImageFile
    from weasyprint import HTML

    # Importing WeasyPrint tells Pillow, for the whole process, to accept cut-short
    # pictures; the shop's documents embed none, and a product picture upload must keep
    # refusing a damaged file (shop.media.images).
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    def refuse(url: str, *_args, **_kwargs):
        raise ValueError(f"a PDF document fetches nothing ({url})")

    return HTML(string=html, url_fetcher=refuse, base_url=".").write_pdf()
