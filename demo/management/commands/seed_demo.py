"""`manage.py seed_demo`: demo tenants, people and hiring data for local development."""

from django.core.management.base import BaseCommand

from demo.data import DEMO_PASSWORD
from demo.seed import demo_seed


class Command(BaseCommand):
    help = "Create demo tenants and data (idempotent; dev only: every login shares one password)."

    def handle(self, *args, **options) -> None:
        result = demo_seed()
        if result.total_created:
            made = ", ".join(f"{n} {label}" for label, n in result.created.items() if n)
            self.stdout.write(f"Demo data created: {made}.")
        else:
            self.stdout.write("Demo data already present; nothing created.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, tenant, role in result.logins:
            self.stdout.write(f"  {username:<24} {tenant:<12} {role}")
        for slug, token in result.new_tokens.items():
            self.stdout.write(f"API token for tenant {slug} (shown once, store it now): {token}")
        for note in result.notes:
            self.stdout.write(f"Note: {note}")
