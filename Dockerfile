# One image for web, worker, beat and migrate (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=ats_milestones.settings.production

WORKDIR /app

# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Static files are baked into the image (served by WhiteNoise); the values below exist only
# so the production settings load during the build, they are not used at run time.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 10001 --no-create-home app
USER app

EXPOSE 8000
# Worker count: WEB_CONCURRENCY (default 2 x cores + 1); see ats_milestones/gunicorn_conf.py.
CMD ["gunicorn", "--config", "python:ats_milestones.gunicorn_conf", \
     "ats_milestones.wsgi:application", "--access-logfile", "-"]
