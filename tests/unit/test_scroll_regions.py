"""Every table that may scroll sideways on a phone can be scrolled with the keyboard.

axe-core's scrollable-region-focusable only fails a table that overflows and holds no
focusable element, which depends on the data a page happens to show; this keeps the
rule for every template whatever the data.
"""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SCROLLING = re.compile(r"<div\b[^>]*class=\"[^\"]*\btable-responsive\b[^\"]*\"[^>]*>")


def test_every_scrolling_table_is_a_named_focusable_region():
    found, wrong = 0, []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for tag in SCROLLING.findall(template.read_text(encoding="utf-8")):
            found += 1
            if not all(part in tag for part in ('tabindex="0"', 'role="region"', "aria-label=")):
                wrong.append(f"{template.relative_to(TEMPLATES)}: {tag}")
    assert found >= 10, "the pattern no longer finds the shop's scrolling tables"
    assert not wrong, "add tabindex, role and aria-label to:\n" + "\n".join(wrong)
