# One image for every reference service; the compose file picks the service:
#   python -m qmtl_reference.gateway | .dagmanager | .worldservice  [options]
# Redis and Postgres run from their official images beside it.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Dependencies first, from the packaging metadata alone, so editing the code
# does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir qmtl_wire qmtl_acceptance qmtl_reference \
    && touch qmtl_wire/__init__.py qmtl_acceptance/__init__.py qmtl_reference/__init__.py \
    && pip install . \
    && pip uninstall -y qmtl-acceptance \
    && rm -rf qmtl_wire qmtl_acceptance qmtl_reference build

COPY qmtl_wire ./qmtl_wire
COPY qmtl_reference ./qmtl_reference
COPY qmtl_acceptance ./qmtl_acceptance
RUN pip install --no-deps . && rm -rf build

# The services need no privileges; the Gateway keeps its signing keys here.
RUN mkdir -p /var/lib/qmtl-reference && chown nobody /var/lib/qmtl-reference
USER nobody
EXPOSE 8000 8080 50051 8001
CMD ["python", "-m", "qmtl_reference.gateway", "--help"]
