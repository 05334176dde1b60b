"""The salary chart on a phone: every text it shows stays readable."""

import pytest

from tests import factories
from tests.browser.test_pages import PHONE

# Each visible text of the chart, with the size it is drawn at on screen: its
# computed font size, times the scale of any SVG it sits in.
CHART_TEXTS = """() => {
  const found = [];
  const walker = document.createTreeWalker(
    document.querySelector("figure.chart"), NodeFilter.SHOW_TEXT
  );
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || element.closest("[hidden]")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (!range.getClientRects().length) continue;
    let scale = 1;
    const svg = element.closest("svg");
    if (svg) {
      const matrix = svg.getScreenCTM();
      scale = Math.min(Math.abs(matrix.a), Math.abs(matrix.d));
    }
    const size = parseFloat(getComputedStyle(element).fontSize) * scale;
    found.push({text, size});
  }
  return found;
}"""
SMALLEST = 12


@pytest.fixture
def every_field(site):
    """The every-field guide beside `site`'s, published: its slug."""
    return factories.every_field_career().slug


@pytest.mark.parametrize(
    ("which", "top_tick"), [("mlops", "$250K"), ("every-field", "£125K")]
)
def test_chart_texts_are_at_least_12px_on_a_phone(
    page, site, every_field, which, top_tick
):
    """At 375px wide, every label, value and tick of the chart is 12px or more."""
    slug = site.career if which == "mlops" else every_field
    page.set_viewport_size(PHONE)
    assert page.goto(f"/careers/{slug}/").status == 200

    texts = page.evaluate(CHART_TEXTS)

    # The stage titles, their figures, the ticks and the caption are all there.
    assert len(texts) >= 15, texts
    assert top_tick in [t["text"] for t in texts]
    small = [t for t in texts if t["size"] < SMALLEST]
    assert small == []
