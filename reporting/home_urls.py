"""The start page, by role; included at the site root without a namespace ("home")."""

from django.urls import path

from reporting.pages.homes import HomeView

urlpatterns = [path("", HomeView.as_view(), name="home")]
