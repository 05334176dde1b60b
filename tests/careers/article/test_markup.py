import html
import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from careers.article.markup import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    MARKDOWN_HELP,
    is_site_relative,
    render_markdown,
    render_markdown_inline,
    sanitise_html,
)

REL = 'rel="noopener noreferrer"'


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Plain text.", "<p>Plain text.</p>"),
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"),
        ("First line\nsecond line", "<p>First line<br>\nsecond line</p>"),
        ("Trailing spaces  \nbreak", "<p>Trailing spaces<br>\nbreak</p>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("* one\n* two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("3. three\n4. four", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>'),
        ("*em* and _em_", "<p><em>em</em> and <em>em</em></p>"),
        (
            "**strong** and __strong__",
            "<p><strong>strong</strong> and <strong>strong</strong></p>",
        ),
        ("Run `pip install`.", "<p>Run <code>pip install</code>.</p>"),
        ("`a < b && c`", "<p><code>a &lt; b &amp;&amp; c</code></p>"),
        ("> Quoted.", "<blockquote>\n<p>Quoted.</p>\n</blockquote>"),
        ("```\nx = 1\n```", "<pre><code>x = 1\n</code></pre>"),
        ("```python\nx = 1\n```", "<pre><code>x = 1\n</code></pre>"),
        ("Above\n\n---\n\nBelow", "<p>Above</p>\n<hr>\n<p>Below</p>"),
    ],
)
def test_block_and_inline_markup(source, expected):
    """Paragraphs, breaks, lists, emphasis, code and quotes render as CommonMark."""
    assert render_markdown(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "[Docs](https://example.org/docs)",
            f'<p><a href="https://example.org/docs" {REL}>Docs</a></p>',
        ),
        (
            "[Docs](http://example.org)",
            f'<p><a href="http://example.org" {REL}>Docs</a></p>',
        ),
        (
            '[Docs](https://example.org "The docs")',
            f'<p><a href="https://example.org" title="The docs" {REL}>Docs</a></p>',
        ),
        (
            "[Mail us](mailto:jobs@example.org)",
            f'<p><a href="mailto:jobs@example.org" {REL}>Mail us</a></p>',
        ),
        ("[Careers](/careers/)", '<p><a href="/careers/">Careers</a></p>'),
        ("[Home](/)", '<p><a href="/">Home</a></p>'),
        ("[Skills](#skills)", '<p><a href="#skills">Skills</a></p>'),
        (
            "[Elsewhere](//other.example/x)",
            f'<p><a href="//other.example/x" {REL}>Elsewhere</a></p>',
        ),
        (
            "<https://example.org>",
            f'<p><a href="https://example.org" {REL}>https://example.org</a></p>',
        ),
        (
            "<jobs@example.org>",
            f'<p><a href="mailto:jobs@example.org" {REL}>jobs@example.org</a></p>',
        ),
        (
            "[Docs][d]\n\n[d]: https://example.org",
            f'<p><a href="https://example.org" {REL}>Docs</a></p>',
        ),
        (
            "[Docs](https://example.org/a b)",
            "<p>[Docs](https://example.org/a b)</p>",
        ),
        (
            "[Q](https://example.org/?a=1&b=2)",
            f'<p><a href="https://example.org/?a=1&amp;b=2" {REL}>Q</a></p>',
        ),
    ],
)
def test_links(source, expected):
    """Links to http(s), mailto and the site itself are kept; off-site ones,
    "//host" included, get rel="noopener noreferrer"."""
    assert render_markdown(source) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/careers/", True),
        ("#steps", True),
        ("/", True),
        # Browsers take both of these to another host.
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("https://example.org/", False),
        ("mailto:jobs@example.org", False),
        ("", False),
    ],
)
def test_links_within_the_site(url, expected):
    """Only "/path" and "#fragment" stay on this site (and get no rel)."""
    assert is_site_relative(url) is expected


@pytest.mark.parametrize(
    "source",
    [
        "[x](ftp://example.org/file)",
        "[x](page.html)",
        "[x](www.example.org)",
        "[x](tel:+15550100)",
    ],
)
def test_other_links_stay_literal_text(source):
    """A link the portal will not publish shows as typed, so the editor can fix it."""
    assert render_markdown(source) == f"<p>{html.escape(source, quote=False)}</p>"


def test_headings_become_bold_paragraphs():
    """Headings never add to the page outline, which the template owns."""
    source = "# Big\n## Smaller\nSetext\n======"
    assert render_markdown(source) == (
        "<p><strong>Big</strong></p>\n"
        "<p><strong>Smaller</strong></p>\n"
        "<p><strong>Setext</strong></p>"
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("![A *chart*](https://example.org/c.png)", "<p>A chart</p>"),
        ("![<b>x</b>](https://example.org/c.png)", "<p>&lt;b&gt;x&lt;/b&gt;</p>"),
        ("![](https://example.org/c.png)", "<p></p>"),
        (
            "[![Logo](https://example.org/l.png)](https://example.org)",
            f'<p><a href="https://example.org" {REL}>Logo</a></p>',
        ),
    ],
)
def test_images_render_as_their_alt_text(source, expected):
    """Images are never embedded; their alt text stands in their place."""
    assert render_markdown(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("AT&T < 5 > 3", "<p>AT&amp;T &lt; 5 &gt; 3</p>"),
        ("<b>bold?</b>", "<p>&lt;b&gt;bold?&lt;/b&gt;</p>"),
        ("<div>\nblock\n</div>", "<p>&lt;div&gt;<br>\nblock<br>\n&lt;/div&gt;</p>"),
        ("&amp; &copy; &#169;", "<p>&amp; © ©</p>"),
        ("Not \\*emphasis\\*", "<p>Not *emphasis*</p>"),
    ],
)
def test_typed_html_and_special_characters_are_escaped_not_dropped(source, expected):
    """What an editor types as HTML shows as text; & and < survive escaped."""
    assert render_markdown(source) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "\n\n"])
def test_empty_input_renders_nothing(value):
    """Blank or missing text gives an empty string, so templates can skip it."""
    assert render_markdown(value) == ""
    assert render_markdown_inline(value) == ""


def test_output_is_safe_string():
    """Templates print the sanitised HTML without escaping it again."""
    assert isinstance(render_markdown("*x*"), SafeString)
    assert isinstance(render_markdown(None), SafeString)
    assert isinstance(render_markdown_inline("*x*"), SafeString)


def test_non_string_input_is_rendered_as_text():
    """Lazy translations and other objects are converted with str()."""
    assert render_markdown(42) == "<p>42</p>"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("A *short* reason.", "A <em>short</em> reason."),
        ("Line one\nline two", "Line one<br>\nline two"),
        (
            "See [docs](https://example.org).",
            f'See <a href="https://example.org" {REL}>docs</a>.',
        ),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
        ("# Title", "<p><strong>Title</strong></p>"),
    ],
)
def test_inline_variant_unwraps_only_a_single_paragraph(source, expected):
    """One paragraph loses its <p>; anything longer keeps its block tags."""
    assert render_markdown_inline(source) == expected


def test_template_filters():
    """{% load markup %} offers the markdown and markdown_inline filters."""
    template = Template(
        "{% load markup %}{{ text|markdown }}|{{ text|markdown_inline }}|"
        "{{ missing|markdown }}"
    )
    rendered = template.render(Context({"text": "*Hi* <there>"}))
    assert rendered == "<p><em>Hi</em> &lt;there&gt;</p>|<em>Hi</em> &lt;there&gt;|"


def test_help_text_is_translatable_plain_text():
    """The admin help text is a lazy translation mentioning the syntax."""
    text = str(MARKDOWN_HELP)
    assert "**strong**" in text
    assert "[link text](https://example.org)" in text
    assert "<" not in text


# Filter-evasion vectors, mostly after the OWASP XSS cheat sheet, in Markdown and
# raw-HTML form; every one must come out inert.
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    "<script src=//xss.example/a.js",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe src=https://evil.example></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#14;javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    '[x](javascript:alert(1) "title")',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](vbscript:msgbox(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#0000106;&#0000097;vascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](jav&#x0A;ascript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](<java\x00script:alert(1)>)",
    "[x](<\x01javascript:alert(1)>)",
    "[x](< javascript:alert(1)>)",
    "[x](%6Aavascript:alert(1))",
    "[x](\\javascript:alert(1))",
    '[x](https://example.org" onmouseover="alert(1))',
    '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.org/x.png)',
    "[![x](https://example.org/x.png)](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    '[x][evil]\n\n[evil]: <javascript:alert(1)> "t"',
    "[evil]\n\n[evil]: data:text/html;base64,PHNjcmlwdD4=",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width:expression(alert(1))">x</p>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<table background="javascript:alert(1)">',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<x onclick=alert(1)>click",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<!-- <script>alert(1)</script> -->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "`<script>alert(1)</script>`",
    "`` ` <img src=x onerror=alert(1)> ` ``",
    "`</code><script>alert(1)</script>`",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "```js onload=alert(1)\nx\n```",
    "*<script>alert(1)</script>*",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "> <script>alert(1)</script>",
    "- <iframe src=//evil.example>",
    "# <svg onload=alert(1)>",
    "\\<script>alert(1)\\</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]

FORBIDDEN_TAGS = (
    "<script",
    "<iframe",
    "<style",
    "<object",
    "<embed",
    "<svg",
    "<math",
    "<form",
    "<base",
    "<meta",
    "<img",
    "<input",
    "<link",
)
TAG_RE = re.compile(r"<[^>]*>")
QUOTED_VALUE_RE = re.compile(r"\"[^\"]*\"|'[^']*'")
EVENT_ATTRIBUTE_RE = re.compile(r"\son\w+\s*=", re.IGNORECASE)
HREF_RE = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
CONTROL_OR_SPACE_RE = re.compile(r"[\x00-\x20\x7f-\x9f]")
SAFE_HREF_PREFIXES = ("http:", "https:", "mailto:", "/", "#")


class _AllowListChecker(HTMLParser):
    """Collects every tag and attribute the browser would see."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, [name for name, _ in attrs]))

    handle_startendtag = handle_starttag


def assert_inert(output):
    lowered = output.lower()
    for tag in FORBIDDEN_TAGS:
        assert tag not in lowered, tag
    # Only real tags, and outside quoted values: escaped text such as
    # "&lt;a href=javascript:..." or a title reading ' onclick=' is inert.
    for tag in TAG_RE.findall(output):
        names_only = QUOTED_VALUE_RE.sub('""', tag)
        assert not EVENT_ATTRIBUTE_RE.search(names_only), tag
        assert "style=" not in names_only.lower(), tag
        for match in HREF_RE.finditer(tag):
            raw = next(group for group in match.groups() if group is not None)
            href = CONTROL_OR_SPACE_RE.sub("", html.unescape(raw)).lower()
            assert href.startswith(SAFE_HREF_PREFIXES), href
    checker = _AllowListChecker()
    checker.feed(output)
    checker.close()
    for tag, attributes in checker.found:
        assert tag in ALLOWED_TAGS, tag
        allowed = set(ALLOWED_ATTRIBUTES.get(tag, ()))
        if tag == "a":
            allowed.add("rel")  # added by the sanitiser itself
        assert set(attributes) <= allowed, (tag, attributes)


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_are_inert(vector):
    """No script, event handler, style or unsafe URL survives rendering."""
    assert_inert(render_markdown(vector))
    assert_inert(render_markdown_inline(vector))


def test_xss_corpus_is_large_enough():
    """The corpus keeps at least 40 distinct vectors."""
    assert len(set(XSS_VECTORS)) == len(XSS_VECTORS) >= 40


@pytest.mark.parametrize(
    "vector",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"],
)
def test_xss_vectors_show_as_text(vector):
    """Typed markup is shown to the reader escaped, not silently removed."""
    assert render_markdown(vector) == f"<p>{html.escape(vector, quote=False)}</p>"


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_sanitiser_alone_makes_raw_html_vectors_inert(vector):
    """Even if markdown-it let raw HTML through, nh3 would still remove the danger."""
    assert_inert(sanitise_html(vector))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        ("<style>p{}</style>ok", "ok"),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html,x">x</a>', "<a>x</a>"),
        ('<a href="page.html">x</a>', "<a>x</a>"),
        # Schemes nh3 would keep by default, but the portal does not publish.
        ('<a href="ftp://example.org/f">x</a>', "<a>x</a>"),
        ('<a href="tel:+15550100">x</a>', "<a>x</a>"),
        (
            '<a href="mailto:jobs@example.org">x</a>',
            '<a href="mailto:jobs@example.org">x</a>',
        ),
        (
            '<a href="https://example.org" onclick="x" rel="opener">x</a>',
            '<a href="https://example.org">x</a>',
        ),
        ('<p style="color:red" class="c" id="i">x</p>', "<p>x</p>"),
        ('<img src="https://example.org/x.png" alt="x">', ""),
        ("<h1>x</h1><table><tr><td>y</td></tr></table>", "xy"),
        ("<!-- note -->x", "x"),
    ],
)
def test_sanitiser_allow_list(raw, expected):
    """Tags, attributes and URL schemes outside the allow-list are removed."""
    assert sanitise_html(raw) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "<script>x</script>",
        '<p onclick="x">y</p>',
        "<p ONMOUSEOVER = x>y</p>",
        '<p style="color:red">y</p>',
        '<a href="javascript:x">y</a>',
        '<a href=" java&#x09;script:x">y</a>',
        "<a href='&#106;avascript:x'>y</a>",
        '<a href="data:text/html,x">y</a>',
        '<a href="page.html">y</a>',
        '<a href="/ok" target="_blank">y</a>',
        "<h1>y</h1>",
        '<img src="https://example.org/x.png">',
    ],
)
def test_inertness_check_catches_dangerous_html(bad):
    """The corpus check itself fails on dangerous output, so a pass means something."""
    with pytest.raises(AssertionError):
        assert_inert(bad)
