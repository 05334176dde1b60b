"""
The stored article of a career's page: what it shows (Markdown, the salary
chart, its JSON-LD), how it is rendered and stored (rendering), and the
templates in templates/careers/article/ that lay it out.
"""
