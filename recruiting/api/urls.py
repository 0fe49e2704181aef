"""Recruiting routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from recruiting.api.views import ApplicationViewSet, CandidateViewSet, RequisitionViewSet

router = SimpleRouter(trailing_slash=False)
router.register("requisitions", RequisitionViewSet, basename="requisitions")
router.register("candidates", CandidateViewSet, basename="candidates")
router.register("applications", ApplicationViewSet, basename="applications")

urlpatterns = router.urls
