# One image for every reference service; the compose file picks the service:
#   python -m qmtl_reference.gateway | .dagmanager | .worldservice  [options]
# Redis and Postgres run from their official images beside it.
#
# BASE_IMAGE is any image with Python 3.11 and its venv module: the official
# python image by default; scripts/docker-engine.sh passes a Debian image it
# builds from Debian packages, for engines that cannot pull.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app
# Dependencies first, from the packaging metadata alone, so editing the code
# does not reinstall them.
COPY pyproject.toml README.md ./
# A venv: Debian's own Python refuses system-wide pip installs.
RUN python3 -m venv /opt/venv \
    && mkdir qmtl_wire qmtl_acceptance qmtl_reference \
    && touch qmtl_wire/__init__.py qmtl_acceptance/__init__.py qmtl_reference/__init__.py \
    && pip install '.[reference]' \
    && pip uninstall -y qmtl-acceptance \
    && rm -rf qmtl_wire qmtl_acceptance qmtl_reference build

COPY qmtl_wire ./qmtl_wire
COPY qmtl_reference ./qmtl_reference
COPY qmtl_acceptance ./qmtl_acceptance
RUN pip install --no-deps '.[reference]' && rm -rf build

# The services need no privileges; the Gateway keeps its signing keys here.
RUN mkdir -p /var/lib/qmtl-reference && chown nobody /var/lib/qmtl-reference
USER nobody
EXPOSE 8000 8080 50051 8001
CMD ["python", "-m", "qmtl_reference.gateway", "--help"]
