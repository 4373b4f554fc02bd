# One image for every Callsheet process: the five services and the gateway. The command picks the
# process, e.g. `python -m services.orders serve`, `python -m services.orders migrate` or
# `python -m gateway` (the default).

# Build: the virtual environment, made by the Makefile's own recipe (`make venv`, as `make up`
# does): python -m venv, pip install -r requirements.txt, and callsheet.pth naming the code and gen/.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
 && apt-get install --yes --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The requirements first, so the dependency layer is rebuilt only when they change.
COPY Makefile requirements.txt ./
RUN make venv PYTHON=python3
COPY . .
# Byte-code compiled now, checked by hash rather than by time: the root filesystem is read-only
# at run time, so nothing is ever compiled there.
RUN .venv/bin/python -m compileall -q --invalidation-mode unchecked-hash \
        callsheet_kit services gateway gen devstack bench tools

# Run: the same base without compilers or build tools, the code and its environment at the same
# path (a virtual environment and callsheet.pth name absolute paths), owned by root and read-only
# to the unprivileged user the processes run as.
FROM python:3.11-slim AS runtime
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp
WORKDIR /app
COPY --from=build /app /app
USER 10001:10001
# The gateway's HTTP, a service's gRPC, and the metrics of either.
EXPOSE 8080 50051 9464
CMD ["python", "-m", "gateway"]
