# hypersweep: one image for the agents (hypersweep agent) and the control plane (hypersweep server).
# Node 20 for hypersweep, Python 3 for the training scripts it runs. Add your own training
# dependencies on top of it:
#   FROM hypersweep:0.1.0
#   RUN pip install --break-system-packages torch torchvision
# GPUs: run on a node with the NVIDIA container runtime (Kubernetes: the NVIDIA device plugin);
# the driver's libraries and nvidia-smi are mounted into the container by that runtime.
FROM node:20-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-pip python3-venv ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/hypersweep
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY worker ./worker
COPY web ./web
COPY python ./python
COPY sweeps ./sweeps
# npm ci builds dist/ (the prepare script); the compiler is dropped afterwards.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && ln -s /opt/hypersweep/bin/hypersweep.js /usr/local/bin/hypersweep \
 && hypersweep --version

ENV PYTHONUNBUFFERED=1 \
    NODE_ENV=production
# Training scripts and sweep files are mounted or copied here.
WORKDIR /work
# tini forwards SIGTERM to the agent (its runs end preempted and are queued again) and reaps zombies.
ENTRYPOINT ["/usr/bin/tini", "--", "hypersweep"]
CMD ["--help"]
