# The classroom image: JupyterLab, the classic Notebook and jupyterhub-singleuser from Jupyter's docker-stacks,
# the gotensor kernel installed system-wide, and the tutorial notebooks in the notebook user's ~/notebooks.
#
#   docker build -t gotensor .
#   docker run --rm -p 8888:8888 gotensor               # CPU
#   docker run --rm -p 8888:8888 --gpus all gotensor    # NVIDIA GPU: the driver comes from the host (no CUDA toolkit here)
ARG GO_VERSION=1.26
ARG BASE_IMAGE=quay.io/jupyter/base-notebook:latest

# Build stage: one binary without cgo (CGO_ENABLED=0): no C toolchain and no CUDA toolkit at build time; at run
# time it dlopens libcuda and OpenBLAS through glibc's dynamic loader when present (see DESIGN D1).
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/gotensor . && /out/gotensor version

FROM ${BASE_IMAGE}
USER root
COPY --from=build /out/gotensor /usr/local/bin/gotensor
COPY scripts/install-system /usr/local/share/gotensor/install-system
# The same script CI runs: OpenBLAS for fast matmul, the kernelspec under the image's Jupyter prefix.
RUN /usr/local/share/gotensor/install-system /usr/local/bin/gotensor "${CONDA_DIR}"
# The tutorials live outside the home directory, which a JupyterHub volume hides; docker-stacks' start.sh runs the
# start hook at every start, which copies each tutorial missing from ~/notebooks there, never overwriting a
# student's copy (docker/before-notebook.d/50-gotensor-notebooks).
COPY notebooks/*.ipynb /opt/gotensor/notebooks/
COPY --chmod=0755 docker/before-notebook.d/50-gotensor-notebooks /usr/local/bin/before-notebook.d/
# The NVIDIA container toolkit mounts libcuda.so.1 from the host when these are set and --gpus is given.
ENV NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
USER ${NB_UID}
WORKDIR /home/${NB_USER}
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD /etc/jupyter/docker_healthcheck.py || exit 1
