# The portal's image for deployment (web, worker and beat run from it).
# Nothing in `make run` / `make test` depends on Docker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# A CJK font for PDFs (WeasyPrint), WeasyPrint's pango, gettext for translations, libpq for psycopg2.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 gettext libpq5 curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

# Static files and compiled catalogues are part of the image; the secret is only needed at run time.
RUN SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv -v 0 \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0

RUN useradd --system --home /app portal && mkdir -p /app/var/media && chown -R portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
