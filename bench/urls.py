"""The benches' URLconf: the product's routes, and the framework-ceiling endpoint before the
API's catch-all 404 (bench.ceiling). Served only by bench.wsgi."""

from django.urls import path

from ats_milestones import urls as product

from .ceiling import CeilingView

urlpatterns = [
    path("api/v1/bench/ceiling/<int:pk>", CeilingView.as_view(), name="bench-ceiling"),
    *product.urlpatterns,
]
handler400 = product.handler400
handler403 = product.handler403
handler404 = product.handler404
handler500 = product.handler500
