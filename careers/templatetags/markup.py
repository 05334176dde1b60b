from django import template

from careers.article.markup import render_markdown, render_markdown_inline

register = template.Library()


@register.filter
def markdown(text):
    """Staff-written Markdown as sanitised HTML: {{ careerpath.intro|markdown }}."""
    return render_markdown(text)


@register.filter
def markdown_inline(text):
    """One-paragraph Markdown without its <p>, for text inside an existing <p>."""
    return render_markdown_inline(text)
