from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import CONTROL_RE, PlainCharField, PlainTextField, PlainURLField

SCORE_MIN = 1
SCORE_MAX = 10
# Computed from the rest of the row and its children (careers.derived): not
# edited, not kept in revisions. The large ones are read only where used.
LARGE_DERIVED_FIELDS = ("search_document", "rendered_article", "rendered_data")
DERIVED_FIELDS = (
    "overall_score",
    "top_salary",
    "rendered_version",
    *LARGE_DERIVED_FIELDS,
)
# What a career card (and the API's list) shows.
CARD_FIELDS = (
    "slug",
    "title",
    "summary",
    "is_sample",
    "overall_score",
    "top_salary",
    "updated",
    "category__name",
    "category__slug",
)


def validate_score(value):
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise ValidationError(
            _("%(value)s is not between %(min)s and %(max)s"),
            code="score_range",
            params={"value": value, "min": SCORE_MIN, "max": SCORE_MAX},
        )


validate_currency = RegexValidator(
    r"^[A-Z]{3}\Z",
    _("Enter a three-letter ISO 4217 currency code in capitals, such as USD."),
    code="currency",
)


class ProseField(PlainTextField):
    """Long text with Unix line endings: browsers post textareas with CRLF, which
    would otherwise make an untouched paragraph look edited in history and files."""


class CareerStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class EducationKind(models.TextChoices):
    DEGREE = "degree", _("Degree")
    CERTIFICATION = "certification", _("Certification")
    COURSE = "course", _("Course")
    OTHER = "other", _("Other")


class CategoryQuerySet(models.QuerySet):
    def with_live_count(self):
        """Categories with live careers, with `career_count`: counted per
        category from an index, not by joining every career."""
        live = (
            CareerPath.objects.published()
            .filter(category=OuterRef("pk"))
            .order_by()
            .values("category")
            .annotate(count=Count("*"))
            .values("count")
        )
        return self.annotate(career_count=Subquery(live)).filter(career_count__gt=0)


class Category(models.Model):
    name = PlainCharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class Factor(models.Model):
    """A criterion every career is scored on, so careers compare factor by factor."""

    name = PlainCharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveIntegerField(
        _("position"),
        unique=True,
        help_text=_("Factors are listed in this order on every career page."),
    )
    description = ProseField(
        _("description"),
        blank=True,
        help_text=_("What this factor measures, for visitors and editors."),
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("factor")
        verbose_name_plural = _("factors")

    def __str__(self):
        return self.name


class SkillQuerySet(models.QuerySet):
    def with_published_count(self):
        """Skills needed by published careers, with `career_count`."""
        return self.annotate(
            career_count=Count("careers", filter=live_filter("careers__career__"))
        ).filter(career_count__gt=0)


class Skill(models.Model):
    """A skill in the shared taxonomy; careers link to it through CareerSkill."""

    name = PlainCharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = ProseField(_("description"), blank=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("careers:skill", kwargs={"slug": self.slug})


class SalarySource(models.Model):
    """Where a career's salary figures come from, cited beside them."""

    name = PlainCharField(_("name"), max_length=100, help_text=_("E.g. Talent.com"))
    url = PlainURLField(_("URL"), blank=True)
    retrieved_on = models.DateField(
        _("date retrieved"),
        null=True,
        blank=True,
        help_text=_("When the figures were read from the source."),
    )

    class Meta:
        ordering = ["name", "-retrieved_on"]
        verbose_name = _("salary source")
        verbose_name_plural = _("salary sources")

    def __str__(self):
        if self.retrieved_on:
            return f"{self.name} ({self.retrieved_on:%Y-%m-%d})"
        return self.name


def live_filter(prefix=""):
    """Published, and its publish_at (if any) has come: a query-time check, so a
    scheduled career goes live by itself with no cron or worker."""
    return Q(**{f"{prefix}status": CareerStatus.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True})
        | Q(**{f"{prefix}publish_at__lte": timezone.now()})
    )


class CareerPathQuerySet(models.QuerySet):
    def published(self):
        """What visitors see: published careers whose time has come."""
        return self.filter(live_filter())

    def scheduled(self):
        return self.filter(status=CareerStatus.PUBLISHED, publish_at__gt=timezone.now())

    def visible_to(self, user):
        """Everything for staff, who review drafts; published careers for others."""
        return self if user.is_staff else self.published()

    def search(self, query):
        """Careers matching `query` in their texts or their children's, best
        first, annotated with `search_rank` and `headline` (careers.search)."""
        from . import search

        return search.search(self, query)

    def in_category(self, slug):
        return self.filter(category__slug=slug)

    def sorted_by(self, sort):
        """Order by `title`, `score` (best first) or `salary` (highest first)."""
        if sort == "relevance" and "search_rank" not in self.query.annotations:
            sort = "title"  # nothing was searched for
        orderings = {
            "relevance": [F("search_rank").desc(), "title"],
            "title": ["title"],
            "score": [F("overall_score").desc(nulls_last=True), "title"],
            "salary": [F("top_salary").desc(nulls_last=True), "title"],
        }
        return self.order_by(*orderings[sort], "pk")

    def matching(self, q="", category=None, sort="title"):
        """The directory's filters (a DirectoryForm's filters()), for the page and
        the API alike."""
        careers = self.search(q) if q else self
        if category:
            careers = careers.in_category(category.slug)
        return careers.sorted_by(sort)

    def for_listing(self):
        """What a career card shows, and not the long texts: a list reads
        a few hundred bytes per career rather than tens of kilobytes."""
        return self.select_related("category").only(*CARD_FIELDS)

    def for_detail(self):
        """Everything the career page shows, in a fixed number of queries."""
        return (
            self.select_related("category")
            .defer(*LARGE_DERIVED_FIELDS)
            .prefetch_related(
                Prefetch(
                    "scores",
                    queryset=FactorScore.objects.select_related("factor").order_by(
                        "factor__position"
                    ),
                ),
                Prefetch("steps", queryset=Step.objects.order_by("position")),
                Prefetch(
                    "stages",
                    queryset=Stage.objects.select_related("source").order_by(
                        "position"
                    ),
                ),
                Prefetch(
                    "skills",
                    queryset=CareerSkill.objects.select_related("skill").order_by(
                        "position"
                    ),
                ),
                Prefetch(
                    "education",
                    queryset=EducationRequirement.objects.order_by("position"),
                ),
            )
        )


class CareerPath(models.Model):
    Status = CareerStatus

    class Article(models.TextChoices):
        A = "a", "a"
        AN = "an", "an"

    title = PlainCharField(
        _("title"), max_length=150, help_text=_("The role, e.g. “MLOps Engineer”.")
    )
    article = models.CharField(
        _("article"),
        max_length=2,
        choices=Article,
        default=Article.A,
        help_text=_(
            "The article used before the title in headings: “Steps to become "
            "an MLOps Engineer”."
        ),
    )
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="careers",
        verbose_name=_("category"),
    )
    summary = PlainCharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences for listings and search results."),
    )
    intro = ProseField(
        _("introduction"),
        help_text=_("What the role is. Separate paragraphs with a blank line."),
    )
    why_choose = ProseField(_("why choose this career"))
    good_career_intro = ProseField(
        _("“is it a good career?” introduction"),
        blank=True,
        help_text=_("Shown above the factor scores."),
    )
    good_career_summary = ProseField(
        _("“is it a good career?” summary"),
        help_text=_("The “In summary…” paragraph below the factor scores."),
    )
    steps_intro = ProseField(_("steps introduction"), blank=True)
    steps_outro = ProseField(_("steps closing note"), blank=True)
    progression_intro = ProseField(_("progression introduction"), blank=True)
    progression_outro = ProseField(_("progression closing note"), blank=True)
    skills_intro = ProseField(_("skills introduction"), blank=True)
    education_intro = ProseField(_("education introduction"), blank=True)
    education_outro = ProseField(_("education closing note"), blank=True)
    outlook = ProseField(_("future outlook"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CareerStatus,
        default=CareerStatus.DRAFT,
        help_text=_(
            "Only published careers are shown to visitors; drafts and unpublished "
            "careers are visible to staff only. Publishers change this."
        ),
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_(
            "A published career with a future time here goes live by itself at "
            "that moment. Empty: live as soon as it is published."
        ),
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked every fact and figure."),
    )
    is_sample = models.BooleanField(
        _("sample content"),
        default=False,
        help_text=_(
            "Generated demonstration content; its page says so plainly. "
            "Never set for a real guide."
        ),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Derived from the children (careers.derived), stored so that lists sort
    # and page by them with an index.
    overall_score = models.FloatField(
        _("overall score"),
        null=True,
        editable=False,
        help_text=_("The mean of the factor scores; empty without scores."),
    )
    top_salary = models.PositiveIntegerField(
        _("top salary"),
        null=True,
        editable=False,
        help_text=_("The highest salary figure of any stage."),
    )
    # The article and structured data of the career's page, rendered once after
    # each change (careers.rendering), so visitors' requests don't render them.
    rendered_article = models.TextField(
        _("rendered article"), blank=True, editable=False
    )
    # Text, not JSON: PostgreSQL's jsonb would reorder the keys, and the page
    # would change between its first render and the stored copy.
    rendered_data = models.TextField(
        _("rendered structured data"), blank=True, editable=False
    )
    rendered_version = models.CharField(
        _("rendered with"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_(
            "The renderer version of rendered_article, or a stale marker after a "
            "change: it is then rendered again on the next visit."
        ),
    )
    search_document = SearchVectorField(
        _("search document"),
        null=True,
        editable=False,
        help_text=_(
            "The career's texts and its children's, weighted for full-text "
            "search; kept current by careers.search. PostgreSQL only."
        ),
    )

    objects = CareerPathQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("career path")
        verbose_name_plural = _("career paths")
        permissions = [
            ("publish_careerpath", _("Can publish and unpublish career paths")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CareerStatus.values),
                name="careerpath_status_valid",
            ),
            # Compare and visitors find a guide by its title. Samples may reuse
            # a real role's title: they never stand in a real guide's way.
            models.UniqueConstraint(
                Lower("title"),
                condition=Q(is_sample=False),
                name="careerpath_unique_real_title",
                violation_error_code="title_taken",
                violation_error_message=_("Another guide already has this title."),
            ),
        ]
        # Lists count live careers and page through them in each sort order
        # from an index, whatever their number. (Best score or salary first,
        # careers without one last: those indexes are made per database by
        # migration 0008, as SQLite has no NULLS LAST in an index.)
        indexes = [
            models.Index(fields=["status", "publish_at"], name="careerpath_live"),
            models.Index(
                fields=["category", "status", "publish_at"],
                name="careerpath_category_live",
            ),
            models.Index(fields=["title"], name="careerpath_by_title"),
            models.Index(fields=["is_sample", "-updated"], name="careerpath_featured"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("careers:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        # As the title constraint, but naming the guide that holds the title.
        if holder := self.title_holder():
            raise ValidationError(
                {
                    "title": ValidationError(
                        _(
                            "The guide “%(title)s” (slug %(slug)s) already has this "
                            "title; each real guide needs its own."
                        ),
                        code="title_taken",
                        params={"title": holder.title, "slug": holder.slug},
                    )
                }
            )

    def title_holder(self):
        """The other real guide with this title in any case, if any."""
        if self.is_sample or not self.title or CONTROL_RE.search(self.title):
            return None  # (PostgreSQL cannot even compare a text with NUL)
        return (
            CareerPath.objects.alias(lower_title=Lower("title"))
            .filter(lower_title=Lower(Value(self.title)), is_sample=False)
            .exclude(pk=self.pk)
            .only("title", "slug")
            .first()
        )

    @property
    def title_with_article(self):
        return f"{self.article} {self.title}"

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_live(self):
        """Visible to visitors now."""
        return self.is_published and (
            self.publish_at is None or self.publish_at <= timezone.now()
        )

    # The methods below read the prefetched children of for_detail().

    def salary_span(self):
        """The lowest and highest figure across the stages, with their currency.

        None when no stage has salary data, or when stages use different
        currencies and a single span would mislead.
        """
        stages = [stage for stage in self.stages.all() if stage.has_salary]
        if not stages or len({stage.currency for stage in stages}) > 1:
            return None
        return {
            "min": min(stage.salary_min for stage in stages),
            "max": max(stage.salary_max for stage in stages),
            "currency": stages[0].currency,
        }

    def salary_sources(self):
        """The distinct sources cited by the stages, in stage order."""
        sources = {stage.source_id: stage.source for stage in self.stages.all()}
        return [source for source in sources.values() if source is not None]


class Positioned(models.Model):
    """An ordered child of a career path; positions are unique per career."""

    position = models.PositiveIntegerField(_("position"))

    class Meta:
        abstract = True
        ordering = ["career", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["career", "position"],
                name="%(app_label)s_%(class)s_unique_position",
                violation_error_message=_("Each position may be used only once."),
            ),
        ]


class FactorScore(models.Model):
    career = models.ForeignKey(
        CareerPath, on_delete=models.CASCADE, related_name="scores"
    )
    factor = models.ForeignKey(
        Factor,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("factor"),
    )
    score = models.SmallIntegerField(
        _("score"),
        validators=[validate_score],
        help_text=_("From 1 (poor) to 10 (excellent)."),
    )
    reason = ProseField(_("reason"), help_text=_("Why this score."))

    class Meta:
        ordering = ["career", "factor__position"]
        verbose_name = _("factor score")
        verbose_name_plural = _("factor scores")
        constraints = [
            models.UniqueConstraint(
                fields=["career", "factor"],
                name="careers_factorscore_unique_factor",
                violation_error_message=_("This factor is already scored."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="careers_factorscore_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.factor}: {self.score}/{SCORE_MAX}"


class Step(Positioned):
    career = models.ForeignKey(
        CareerPath, on_delete=models.CASCADE, related_name="steps"
    )
    title = PlainCharField(_("title"), max_length=200)
    text = ProseField(_("text"))

    class Meta(Positioned.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps to become")

    def __str__(self):
        return self.title


class Stage(Positioned):
    """A rung of the career ladder, with an optional salary range.

    A single salary figure is stored as an equal minimum and maximum; a stage
    without salary data has neither.
    """

    career = models.ForeignKey(
        CareerPath, on_delete=models.CASCADE, related_name="stages"
    )
    title = PlainCharField(_("title"), max_length=200)
    description = ProseField(_("description"))
    salary_min = models.PositiveIntegerField(
        _("salary minimum"),
        null=True,
        blank=True,
        help_text=_(
            "Yearly, in whole units. Leave both empty if no data is available."
        ),
    )
    salary_max = models.PositiveIntegerField(
        _("salary maximum"),
        null=True,
        blank=True,
        help_text=_("Equal to the minimum for a single figure."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        validators=[validate_currency],
        help_text=_("ISO 4217 code."),
    )
    source = models.ForeignKey(
        SalarySource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stages",
        verbose_name=_("salary source"),
    )

    class Meta(Positioned.Meta):
        verbose_name = _("career stage")
        verbose_name_plural = _("career progression")
        constraints = [
            *Positioned.Meta.constraints,
            models.CheckConstraint(
                condition=(
                    Q(salary_min__isnull=True, salary_max__isnull=True)
                    | Q(
                        salary_min__isnull=False,
                        salary_max__isnull=False,
                        salary_min__lte=models.F("salary_max"),
                    )
                ),
                name="careers_stage_salary_range",
                violation_error_message=_(
                    "Give both salary figures, with the minimum not above the maximum, "
                    "or neither."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if (self.salary_min is None) != (self.salary_max is None):
            missing = "salary_max" if self.salary_max is None else "salary_min"
            raise ValidationError(
                {
                    missing: _(
                        "Give both figures (equal for a single figure), or neither."
                    )
                }
            )
        if self.salary_min is not None and self.salary_min > self.salary_max:
            raise ValidationError(
                {
                    "salary_min": _(
                        "The minimum (%(min)s) is above the maximum (%(max)s)."
                    )
                    % {"min": self.salary_min, "max": self.salary_max}
                }
            )

    @property
    def has_salary(self):
        return self.salary_min is not None

    @property
    def is_single_figure(self):
        return self.has_salary and self.salary_min == self.salary_max


class CareerSkill(Positioned):
    career = models.ForeignKey(
        CareerPath, on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="careers", verbose_name=_("skill")
    )
    title = PlainCharField(
        _("heading"),
        max_length=200,
        blank=True,
        help_text=_(
            "How this career words the skill, e.g. “Expertise in Machine Learning "
            "Theory”. Empty: the skill's name."
        ),
    )
    description = ProseField(_("description"))

    class Meta(Positioned.Meta):
        verbose_name = _("essential skill")
        verbose_name_plural = _("essential skills")
        constraints = [
            *Positioned.Meta.constraints,
            models.UniqueConstraint(
                fields=["career", "skill"],
                name="careers_careerskill_unique_skill",
                violation_error_message=_("This skill is already listed."),
            ),
        ]

    def __str__(self):
        return self.heading

    @property
    def heading(self):
        return self.title or self.skill.name


class EducationRequirement(Positioned):
    Kind = EducationKind

    career = models.ForeignKey(
        CareerPath, on_delete=models.CASCADE, related_name="education"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=EducationKind, default=EducationKind.DEGREE
    )
    title = PlainCharField(_("title"), max_length=200)
    text = ProseField(_("text"))

    class Meta(Positioned.Meta):
        verbose_name = _("education requirement")
        verbose_name_plural = _("education")
        constraints = [
            *Positioned.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=EducationKind.values),
                name="careers_educationrequirement_kind_valid",
            ),
        ]

    def __str__(self):
        return self.title


class ContentChange(models.Model):
    """One row per transaction that changed content, written inside it.

    The page cache's content version is derived from these rows
    (careers.changes): a change cannot commit without its row, and Redis holds
    only a short-lived copy of the version. Rows are only ever added, so no
    two transactions wait on each other here.
    """

    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("content change")

    def __str__(self):
        return f"{self.pk} at {self.at}"
