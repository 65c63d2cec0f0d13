"""axe-core in the browser tests: audit a page, and fail with what to fix.

``assert_accessible(page)`` runs axe-core on the page as it is now and fails
with each violated rule, the elements that violate it and how to fix them.

``PageAudit`` follows one page for a whole test: it audits the document after
every ``goto``, ``go_back``, ``go_forward`` and ``reload``, and, when the test
ends, the document the page shows then. A document the test reached some other
way (a click, a key press) and left again before any check fails the test, so
no page a browser test shows goes unaudited; the fixtures in ``conftest.py``
put every page under one.

axe-core is vendored (``vendor/axe-core/``, from the npm registry), pinned by
version and SHA-256: a run never fetches it and never runs another file.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from urllib.parse import urldefrag
from weakref import WeakKeyDictionary

from playwright.sync_api import Frame, Page, Response

AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_PATH = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# WCAG 2.0 and 2.1 at levels A and AA, and Deque's best practices: the rules the
# audit of issue 6 ran (2.1 AA includes 2.1 A, so that tag runs too).
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": RULE_TAGS}, "resultTypes": ["violations"]}

SHOWN_NODES = 5  # per rule in a failure message; the rest are counted


@functools.cache
def axe_source() -> str:
    data = AXE_PATH.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != AXE_SHA256:
        raise RuntimeError(
            f"{AXE_PATH} is not axe-core {AXE_VERSION} as pinned (sha256 {digest}, expected"
            f" {AXE_SHA256}); see {AXE_PATH.parent / 'README.md'}"
        )
    return data.decode("utf-8")


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page's current document."""
    # Injected through the DevTools protocol, which the shop's Content-Security-Policy
    # (script-src 'self') does not govern; a <script> tag would be refused.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    version = page.evaluate("() => window.axe.version")
    if version != AXE_VERSION:  # the page brought its own axe: not what we pinned
        raise RuntimeError(f"the page runs axe-core {version}, not the pinned {AXE_VERSION}")
    return page.evaluate(AUDIT_WHEN_SETTLED, AXE_OPTIONS)


# axe reads colours as painted: a button caught halfway through its .15 s hover
# transition has colours nobody sees at rest. So wait for every transition and
# animation that ends (an endless one would never let the audit start).
AUDIT_WHEN_SETTLED = """async options => {
  const ending = document.getAnimations().filter(
    animation => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity);
  await Promise.all(ending.map(animation => animation.finished.catch(() => null)));
  return (await window.axe.run(document, options)).violations;
}"""


def describe(violations: list[dict], url: str, viewport: dict | None) -> str:
    """The failure message: per rule, its id and impact, what it asks, where, how to fix."""
    size = f"{viewport['width']}×{viewport['height']}" if viewport else "default viewport"
    lines = [
        f"axe-core {AXE_VERSION} found {len(violations)} accessibility"
        f" violation{'s' if len(violations) != 1 else ''} on {url} at {size}:"
    ]
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact given'}):"
            f" {violation['help']} ({violation['helpUrl']})"
        )
        for node in nodes[:SHOWN_NODES]:
            # A target is a list of selectors, one per iframe or shadow root crossed.
            target = " >>> ".join(
                " ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(f"    at {target}")
            lines.append(f"       {' '.join(node['html'].split())[:160]}")
            for fix in (node.get("failureSummary") or "").splitlines():
                lines.append(f"       {fix.strip()}")
        if len(nodes) > SHOWN_NODES:
            lines.append(f"    ... and {len(nodes) - SHOWN_NODES} more elements")
    return "\n".join(lines)


def assert_fits_the_screen(page: Page) -> None:
    """Nothing on the page is wider than the window: it never scrolls sideways (at 390 px
    as at 1280 px). Names the widest elements that stick out when it does."""
    # The window as configured: on a phone Chrome widens its layout viewport (and
    # window.innerWidth) to fit what sticks out, zooming the page out.
    viewport = (page.viewport_size or {"width": 1280})["width"]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width <= viewport:
        return
    culprits = page.evaluate(WIDER_THAN_THE_WINDOW, viewport)
    raise AssertionError(
        f"{page.url} is {width} px wide in a {viewport} px window: it scrolls sideways."
        f" Sticking out: {culprits}"
    )


WIDER_THAN_THE_WINDOW = """viewport => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > viewport + 0.5)
  .filter(el => !Array.from(el.children).some(c => c.getBoundingClientRect().right > viewport + 0.5))
  .slice(0, 5)
  .map(el => `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} (${Math.round(el.getBoundingClientRect().right)} px)`)"""


def document_key(url: str) -> str:
    """One key per document: a #fragment (the skip link) does not make a new page."""
    return urldefrag(url).url


def shows_html(page: Page) -> bool:
    """A page the shop served as HTML: not about:blank, not JSON or CSS shown as text."""
    return page.url.startswith(("http://", "https://")) and (
        page.evaluate("() => document.contentType") == "text/html"
    )


_AUDITS: WeakKeyDictionary[Page, PageAudit] = WeakKeyDictionary()


def assert_accessible(page: Page) -> None:
    """Fail unless axe-core finds no violation on the page as it is now (always runs,
    since the same URL may look different after the test has opened or typed something)."""
    audit = _AUDITS.get(page)
    if audit is not None:
        audit.check(again=True)
    else:
        violations = axe_violations(page)
        assert not violations, describe(violations, page.url, page.viewport_size)


class PageAudit:
    """Every HTML document one page shows passes axe-core before the test ends."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.html_documents: set[str] = set()  # answered as text/html
        self.shown: list[str] = []  # in the order the main frame committed them
        self.checked: set[str] = set()
        page.on("response", self._on_response)
        page.on("framenavigated", self._on_navigated)
        for name in ("goto", "go_back", "go_forward", "reload"):
            setattr(page, name, self._checked_after(getattr(page, name)))
        _AUDITS[page] = self

    # Event handlers read properties only: a call into the browser from a handler
    # would interleave with the test's own calls.
    def _on_response(self, response: Response) -> None:
        request = response.request
        if (
            request.is_navigation_request()
            and request.frame == self.page.main_frame
            and response.headers.get("content-type", "").startswith("text/html")
        ):
            self.html_documents.add(document_key(response.url))

    def _on_navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            key = document_key(frame.url)
            if key not in self.shown:
                self.shown.append(key)

    def _checked_after(self, navigate):
        @functools.wraps(navigate)
        def navigate_then_check(*args, **kwargs):
            # A page the test reached by a click is checked before it is left.
            self.check()
            response = navigate(*args, **kwargs)
            self.check()
            return response

        return navigate_then_check

    def check(self, *, again: bool = False) -> None:
        """Audit the current document, unless this URL passed already (``again`` forces it)."""
        page = self.page
        page.wait_for_load_state("load")
        key = document_key(page.url)
        if (key in self.checked and not again) or not shows_html(page):
            return
        violations = axe_violations(page)
        self.checked.add(key)
        assert not violations, describe(violations, page.url, page.viewport_size)
        assert_fits_the_screen(page)

    def finish(self) -> None:
        """At the end of a test: audit the page it ends on, then make sure none was missed."""
        self.check()
        missed = [
            url for url in self.shown if url in self.html_documents and url not in self.checked
        ]
        assert not missed, (
            "the test showed these pages but left each before axe-core could check it: "
            + ", ".join(missed)
            + ". Call assert_accessible(page) once the page has loaded (after the click or"
            " key press that reaches it, and an expect() that waits for it)."
        )
