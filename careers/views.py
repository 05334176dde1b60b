from django.views.generic import DetailView, ListView, TemplateView

from .models import CareerPath, Category


class HomeView(TemplateView):
    template_name = "careers/home.html"

    def get_context_data(self, **kwargs):
        published = CareerPath.objects.published().for_listing()
        return super().get_context_data(
            categories=Category.objects.filter(careers__in=published.values("pk"))
            .distinct()
            .order_by("name"),
            latest=published.order_by("-updated")[:6],
            **kwargs,
        )


class CareerListView(ListView):
    paginate_by = 24

    def get_queryset(self):
        return CareerPath.objects.published().for_listing().order_by("title", "pk")


class CareerDetailView(DetailView):
    def get_queryset(self):
        return (
            CareerPath.objects.visible_to(self.request.user)
            .for_detail()
            .with_overall_score()
        )
