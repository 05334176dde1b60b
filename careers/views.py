from django.conf import settings
from django.db.models import Case, When
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from portal.http import safe_only
from portal.pagecache import applied_params, cache_public_page

from . import shape
from .article import rendering
from .article.crumbs import career_crumbs, trail
from .article.jsonld import with_origin
from .comparison import compare
from .forms import COMPARE_MAX, DirectoryForm, parse_compare
from .models import (
    SHARE_FIELDS,
    CareerPath,
    CareerSkill,
    Category,
    Factor,
    Skill,
    live_filter,
)
from .share import images

# What a career page shows besides its stored article (and its share image's
# fields, which name the image in its head).
PAGE_FIELDS = ("summary", "is_sample", *SHARE_FIELDS)
# A share image's URL names one image for good (careers.share.images).
FOREVER = 365 * 24 * 60 * 60


class CleanPaginationMixin:
    """Pages past the end are 404; a page that is not a number is page 1."""

    paginate_by: int | None = shape.PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        raw = self.request.GET.get("page", "")
        if raw == "last":
            number = paginator.num_pages
        else:
            try:
                number = max(int(raw), 1)
            except ValueError:
                number = 1
        if number > paginator.num_pages:
            raise Http404(_("There is no page %(number)s.") % {"number": number})
        applied_params(self.request, page=number)
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        # Page links carry only the parameters the view applied.
        kwargs.setdefault("query", QueryDict())
        return super().get_context_data(**kwargs)


@method_decorator(cache_public_page, name="dispatch")
class HomeView(TemplateView):
    template_name = "careers/home.html"

    def get_context_data(self, **kwargs):
        published = CareerPath.objects.published().for_listing()
        return super().get_context_data(
            form=DirectoryForm(),
            categories=Category.objects.with_live_count().order_by("name"),
            # Real guides first; generated samples only fill in when needed.
            featured=published.order_by("is_sample", "-updated", "pk")[:6],
            top_scored=published.sorted_by("score")[:6],
            **kwargs,
        )


@method_decorator(cache_public_page, name="dispatch")
class CareerListView(CleanPaginationMixin, ListView):
    cache_params = (*DirectoryForm.base_fields, "page")

    def get_queryset(self):
        self.filters = DirectoryForm(self.request.GET).filters()
        category = self.filters["category"]
        applied_params(
            self.request,
            q=self.filters["q"],
            sort=self.filters["sort"],
            category=category.slug if category else "",
        )
        return CareerPath.objects.published().for_listing().matching(**self.filters)

    def get_context_data(self, **kwargs):
        # The links and the form show what was applied, never raw input.
        query = QueryDict(mutable=True)
        default_sort = DirectoryForm.default_sort(self.filters["q"])
        for name, value in self.filters.items():
            if name == "category" and value:
                value = value.slug
            if value and not (name == "sort" and value == default_sort):
                query[name] = value
        return super().get_context_data(
            form=DirectoryForm(initial=self.filters),
            filters=self.filters,
            query=query,
            **kwargs,
        )


@method_decorator(cache_public_page, name="dispatch")
class CareerDetailView(DetailView):
    def get_queryset(self):
        # The page around the stored article: not the texts it was made from.
        return CareerPath.objects.visible_to(self.request.user).only(
            *PAGE_FIELDS, "rendered_article", "rendered_data", "rendered_version"
        )

    def get_context_data(self, **kwargs):
        # Staff see the career as it is in the database right now, drafts too.
        article, data = rendering.article(self.object, fresh=self.request.user.is_staff)
        origin = f"{self.request.scheme}://{self.request.get_host()}"
        return super().get_context_data(
            article=mark_safe(article),
            jsonld=with_origin(data, origin),
            crumbs=career_crumbs(self.object),
            share_image=images.meta(self.object, origin),
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_live:
            # A staff preview: never stored by any cache, never indexed.
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


@safe_only
def share_image(request, slug, version):
    """A career's share image. Not through the page cache: its one query reads
    it, and a year in every client's cache is worth more.

    A URL whose version is not the current one (the career has changed since
    a page named it) redirects, briefly, to the current image: a link shared
    before the change still shows a card, and never a year-old one."""
    career = get_object_or_404(
        CareerPath.objects.visible_to(request.user).for_share_image(), slug=slug
    )
    current = images.version(career)
    if version != current:
        response = redirect("careers:share_image", slug=slug, version=current)
        add_never_cache_headers(response)
        return response
    response = HttpResponse(images.png(career), content_type="image/png")
    response["ETag"] = f'"{current}"'
    if career.is_live:
        patch_cache_control(response, public=True, max_age=FOREVER, immutable=True)
    else:
        # A staff preview's image: never kept by a shared cache.
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
    return response


@method_decorator(cache_public_page, name="dispatch")
class CompareView(TemplateView):
    """Two or three careers side by side. Each is named by its slug (links) or
    by what a visitor typed: its title, or words that find it."""

    template_name = "careers/compare.html"
    cache_params = ("careers",)
    # Titles offered while typing; with thousands of careers, not all of them.
    SUGGESTIONS = 100

    def get_context_data(self, **kwargs):
        names, notes = parse_compare(self.request.GET.getlist("careers"))
        published = CareerPath.objects.published()
        slugs = resolve_careers(published, names, notes)
        found = {
            career.slug: career
            for career in published.filter(slug__in=slugs).for_detail()
        }
        careers = [found[slug] for slug in slugs if slug in found]
        suggestions = published.order_by("title").values_list("title", flat=True)
        if careers:  # the same kind of work first
            suggestions = suggestions.order_by(
                Case(
                    When(category__in=[c.category_id for c in careers], then=0),
                    default=1,
                ),
                "title",
            )
        context = {
            "notes": notes,
            # A sample may share a real guide's title: offer each title once.
            "suggestions": list(dict.fromkeys(suggestions[: self.SUGGESTIONS])),
            "selected": [c.title for c in careers]
            + [""] * (COMPARE_MAX - len(careers)),
            "comparison": compare(careers) if len(careers) >= 2 else None,
            "page_title": _("Compare %(titles)s")
            % {"titles": " vs ".join(c.title for c in careers)}
            if len(careers) >= 2
            else _("Compare careers"),
            "picked": careers,
            "crumbs": trail((_("Compare"), reverse("careers:compare"))),
        }
        return super().get_context_data(**context, **kwargs)


def resolve_careers(careers, names, notes):
    """The slugs of the careers that `names` (slugs, titles or search words,
    lower case) stand for, in order; a note for each name that found none."""
    by_slug = set(careers.filter(slug__in=names).values_list("slug", flat=True))
    slugs, unknown = [], []
    for name in names:
        if name in by_slug:
            slug = name
        else:
            match = (
                # A real guide before a sample that borrowed its title.
                careers.filter(title__iexact=name).order_by("is_sample", "pk").first()
                or careers.search(name).first()
            )
            slug = match and match.slug
            if match and match.title.lower() != name:
                notes.append(
                    _("“%(name)s” was taken to mean %(title)s.")
                    % {"name": name, "title": match.title}
                )
        if slug is None:
            unknown.append(name)
        elif slug not in slugs:
            slugs.append(slug)
    if unknown:
        notes.append(
            _("No published career is called %(slugs)s.")
            % {"slugs": ", ".join(f"“{name}”" for name in unknown)}
        )
    return slugs


@method_decorator(cache_public_page, name="dispatch")
class SkillListView(ListView):
    template_name = "careers/skill_list.html"

    def get_queryset(self):
        return Skill.objects.with_published_count().order_by("name")

    def get_context_data(self, **kwargs):
        return super().get_context_data(crumbs=skill_crumbs(), **kwargs)


@method_decorator(cache_public_page, name="dispatch")
class SkillDetailView(CleanPaginationMixin, ListView):
    """A skill and the published careers that need it, with what each says."""

    template_name = "careers/skill_detail.html"
    cache_params = ("page",)

    def get_queryset(self):
        self.skill = get_object_or_404(
            Skill.objects.with_published_count(), slug=self.kwargs["slug"]
        )
        return (
            CareerSkill.objects.filter(live_filter("career__"), skill=self.skill)
            .select_related("career__category", "skill")
            .order_by("career__title", "pk")
        )

    def get_context_data(self, **kwargs):
        crumbs = skill_crumbs((self.skill.name, self.skill.get_absolute_url()))
        return super().get_context_data(skill=self.skill, crumbs=crumbs, **kwargs)


@method_decorator(cache_public_page, name="dispatch")
class MethodologyView(TemplateView):
    """How the scores are made: the scale, and what each factor measures. Every
    score on a career page links to its factor here."""

    template_name = "careers/how_we_score.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            factors=Factor.objects.order_by("position"),
            crumbs=trail((_("How we score"), reverse("careers:methodology"))),
            **kwargs,
        )


def skill_crumbs(*crumbs):
    return trail((_("Skills"), reverse("careers:skills")), *crumbs)


@safe_only
def robots_txt(request):
    """Crawlers may read everything public; the admin is off limits."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_URL}",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
