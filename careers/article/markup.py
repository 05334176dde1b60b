"""Markdown for the long texts staff write: parsed with markdown-it, cleaned by nh3.

Two layers, so a mistake in one does not become XSS: markdown-it never passes
raw HTML through and refuses unsafe link schemes, then nh3 drops anything outside
an explicit allow-list (sanitise_html). Only its output is marked safe.

- Images render as their alt text: pictures in career texts are out of scope, and
  an <img> would load from any host the editor typed.
- Headings render as a bold paragraph: the template owns the page's outline
  (h1, h2 sections, h3 steps), so a "#" in a text must not add to it.
- A single newline is a line break, as with the `linebreaks` filter these texts
  used before.
"""

import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

MARKDOWN_HELP = _(
    "Markdown: a blank line between paragraphs, *emphasis*, **strong**, "
    "- list items, 1. numbered items, `code`, > quotes, "
    "[link text](https://example.org). HTML and images are not shown."
)

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "em",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
# `start` keeps "3. Third" numbered as typed; markdown-it only writes digits there.
# `rel` is written by _render_link_open, on off-site links only.
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title", "rel"}),
    "ol": frozenset({"start"}),
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# What an off-site link gets: the other site learns nothing of the page, and
# cannot reach back into it.
LINK_REL = "noopener noreferrer"

_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):")


def is_site_relative(url):
    """A link within the site: "/path" or "#fragment".

    Not "//host/path" or "/\\host/path": browsers take both to another host.
    """
    return url.startswith("#") or (url.startswith("/") and url[1:2] not in ("/", "\\"))


def _is_allowed_url(url):
    """An http, https or mailto URL, "//host/..." (the page's own scheme), or a
    link within the site ("/..." or "#...").

    Bare relative links ("page.html", "www.example.org") are refused too: they
    are almost always a typo, and refusing them keeps the rule short enough to
    trust.
    """
    if url.startswith(("/", "#")):
        return True
    match = _SCHEME_RE.match(url.strip().lower())
    return match is not None and match[1] in ALLOWED_URL_SCHEMES


class _MarkdownIt(MarkdownIt):
    def validateLink(self, url):
        # A refused link stays as literal text, so the editor sees the mistake
        # instead of a link that silently lost its target.
        return _is_allowed_url(url)


def _render_image_as_alt(self, tokens, idx, options, env):
    return escape(self.renderInlineAsText(tokens[idx].children, options, env))


def _render_link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    if not is_site_relative(token.attrGet("href") or ""):
        token.attrSet("rel", LINK_REL)
    return self.renderToken(tokens, idx, options, env)


def _render_heading_open(self, tokens, idx, options, env):
    return "<p><strong>"


def _render_heading_close(self, tokens, idx, options, env):
    return "</strong></p>\n"


# Configured once at import and only read afterwards, so threads can share it.
_md = _MarkdownIt("commonmark", {"html": False, "breaks": True})
_md.add_render_rule("image", _render_image_as_alt)
_md.add_render_rule("link_open", _render_link_open)
_md.add_render_rule("heading_open", _render_heading_open)
_md.add_render_rule("heading_close", _render_heading_close)


def _keep_relative_url(url):
    # Relative to the site or to the scheme ("//host"); never to the page.
    return url if url.startswith(("/", "#")) else None


def _only_our_rel(element, attribute, value):
    # rel comes from _render_link_open; any other value is dropped.
    if attribute == "rel" and value != LINK_REL:
        return None
    return value


def sanitise_html(html):
    """Keep only the allowed tags, attributes and URLs: the last line of defence."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        strip_comments=True,
        link_rel=None,
        attribute_filter=_only_our_rel,
        url_schemes=ALLOWED_URL_SCHEMES,
        url_relative=_keep_relative_url,
    ).strip()


def render_markdown(text) -> SafeString:
    """Markdown source to sanitised HTML; empty or None gives ""."""
    if not text:
        return mark_safe("")
    return mark_safe(sanitise_html(_md.render(str(text))))


def render_markdown_inline(text) -> SafeString:
    """Like render_markdown, but a single paragraph comes without its <p>.

    For short fields shown inside markup the template already wraps, such as a
    score's reason in a <p>. Anything more than one paragraph (a list, two
    paragraphs) keeps its block tags.
    """
    if not text:
        return mark_safe("")
    tokens = _md.parse(str(text))
    types = [token.type for token in tokens]
    if types == ["paragraph_open", "inline", "paragraph_close"]:
        tokens = tokens[1:2]
    return mark_safe(sanitise_html(_md.renderer.render(tokens, _md.options, {})))
