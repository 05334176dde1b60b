from django import template

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Rendered (so escaped) already: a SafeString.
        context[self.name] = self.nodelist.render(context)
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}…{% endcapture %} renders its contents into `name`.

    A block is shown once per template, but the page's title is shown three
    times (<title> and two sharing cards): base.html captures {% block title %}
    and hands it to includes/meta.html.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError(
            "Usage: {% capture as name %}…{% endcapture %}"
        )
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
