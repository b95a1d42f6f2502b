#!/usr/bin/env bash
# Stops the one-node Slurm cluster that .ci/slurm-up.sh started: both Slurm daemons, then munge.
set -uo pipefail
scontrol shutdown >/dev/null 2>&1 || true
for _ in $(seq 1 20); do
  pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || break
  sleep 0.5
done
pid="$(pgrep -u munge -x munged || true)"
[ -n "$pid" ] && kill "$pid"
exit 0
