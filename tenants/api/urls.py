"""Tenant configuration routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from tenants.api.views import (
    DepartmentViewSet,
    JobFamilyViewSet,
    LocationViewSet,
    RequisitionTypeViewSet,
)

router = SimpleRouter(trailing_slash=False)
router.register("departments", DepartmentViewSet, basename="departments")
router.register("job_families", JobFamilyViewSet, basename="job_families")
router.register("locations", LocationViewSet, basename="locations")
router.register("requisition_types", RequisitionTypeViewSet, basename="requisition_types")

urlpatterns = router.urls
