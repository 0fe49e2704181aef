"""Every page needs a signed-in user; signing in and out work without JavaScript."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = ["/", "/requisitions/", "/applications/", "/tenants/switch/"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitor_is_sent_to_login_with_next(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_anonymous_visitor_cannot_open_a_requisition(tenant_a):
    from tests import factories

    requisition = factories.make_requisition(tenant=tenant_a)
    response = Client().get(f"/requisitions/{requisition.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_page_renders_a_form_with_our_layout():
    response = Client().get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert "css/app.css" in body


def test_wrong_password_shows_an_error_and_stays_signed_out(recruiter_a):
    client = Client()
    response = client.post("/login/", {"username": "rita", "password": "wrong"})
    assert response.status_code == 200
    assert 'data-testid="login-error"' in response.content.decode()
    assert client.get("/requisitions/").status_code == 302


def test_correct_password_signs_in_and_lands_on_the_role_home(recruiter_a):
    client = Client()
    response = client.post("/login/", {"username": "rita", "password": "pw-for-tests-123"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and 'data-testid="home-stuck"' in home.content.decode()
    assert client.get("/requisitions/").status_code == 200


def test_logout_is_a_post_and_ends_the_session(client_a):
    assert client_a.get("/logout/").status_code == 405
    response = client_a.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client_a.get("/requisitions/").status_code == 302


def test_page_header_shows_tenant_user_role_and_a_logout_form(client_a):
    body = client_a.get("/requisitions/").content.decode()
    assert "Acme Corp" in body
    assert "rita" in body
    assert "Recruiter" in body
    assert 'action="/logout/"' in body
    assert "tenant-switcher" not in body  # one tenant only: nothing to switch
    assert ">Admin<" not in body  # a recruiter is not a tenant admin
