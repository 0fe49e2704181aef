"""The DATABASE_URL a test hands to the processes it starts (a Celery worker and beat, `make
run`) names the suite's server as the suite reached it. Issue #10: rebuilt from the
connection settings, the embedded Postgres's socket folder became a host name and beat
failed with `role "ats" does not exist`."""

from __future__ import annotations

from tests.support import database_url


def test_the_embedded_server_s_socket_folder_is_kept(settings):
    settings.DATABASE_URL = "postgresql://ats@%2Fwork%2F.run%2Fpg/ats?sslmode=disable"
    assert (
        database_url("test_ats") == "postgresql://ats@%2Fwork%2F.run%2Fpg/test_ats?sslmode=disable"
    )


def test_a_tcp_server_keeps_its_host_port_and_user(settings):
    settings.DATABASE_URL = "postgres://ats:secret@127.0.0.1:5432/ats"
    assert database_url("test_ats_x") == "postgres://ats:secret@127.0.0.1:5432/test_ats_x"
