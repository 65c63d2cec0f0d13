"""The axe-core helper itself: the pinned file, and a failure message that says what to fix."""

from __future__ import annotations

import pytest

from tests.browser import axe


def test_the_vendored_axe_core_is_the_pinned_version():
    assert axe.axe_source().startswith(f"/*! axe v{axe.AXE_VERSION}\n")


def test_an_axe_file_other_than_the_pinned_one_is_refused(tmp_path, monkeypatch):
    changed = tmp_path / "axe.min.js"
    changed.write_bytes(axe.AXE_PATH.read_bytes() + b"\n")
    monkeypatch.setattr(axe, "AXE_PATH", changed)
    axe.axe_source.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="is not axe-core 4"):
            axe.axe_source()
    finally:
        axe.axe_source.cache_clear()


def violation(nodes: int) -> dict:
    return {
        "id": "color-contrast",
        "impact": "serious",
        "help": "Elements must meet minimum color contrast ratio thresholds",
        "helpUrl": "https://dequeuniversity.com/rules/axe/4.14/color-contrast",
        "nodes": [
            {
                "target": [f'a[data-slug="v{i}"] > .facet-count'],
                "html": '<span class="facet-count">\n  27</span>',
                "failureSummary": "Fix any of the following:\n  Element has insufficient"
                " color contrast of 4.12 (foreground color: #6c757d)",
            }
            for i in range(nodes)
        ],
    }


def test_a_violation_message_names_the_rule_the_elements_and_the_fix():
    message = axe.describe([violation(2)], "http://shop/products", {"width": 390, "height": 844})
    assert message.splitlines()[0] == (
        f"axe-core {axe.AXE_VERSION} found 1 accessibility violation on"
        " http://shop/products at 390×844:"
    )
    assert "- color-contrast (serious): Elements must meet minimum color contrast" in message
    assert "https://dequeuniversity.com/rules/axe/4.14/color-contrast" in message
    assert 'at a[data-slug="v0"] > .facet-count' in message
    assert 'at a[data-slug="v1"] > .facet-count' in message
    assert '<span class="facet-count"> 27</span>' in message
    assert "Element has insufficient color contrast of 4.12" in message


def test_a_violation_on_many_elements_shows_the_first_few_and_counts_the_rest():
    message = axe.describe([violation(axe.SHOWN_NODES + 3)], "http://shop/", None)
    assert message.count("    at a[data-slug=") == axe.SHOWN_NODES
    assert "... and 3 more elements" in message
