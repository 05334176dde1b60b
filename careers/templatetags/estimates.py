from django import template

from careers.article import estimates

register = template.Library()


@register.simple_tag
def steps_estimate(career):
    """{% steps_estimate careerpath as estimate %}: its steps summed
    (careers.article.estimates), from the steps for_detail() prefetched."""
    return estimates.estimate(career.steps.all())


@register.filter
def months_span(low, high):
    """A step's time, "3–6 months":
    {{ step.duration_min_months|months_span:step.duration_max_months }}."""
    return estimates.months_span(low, high)
