#!/usr/bin/env bash
# Brings up a one-node Slurm cluster on this machine (Debian 12, as root, no systemd): munge,
# slurmctld and slurmd, with two fake GPUs as GRES. Used by .ci/run before the tests and by
# developers who want to run the Slurm tests (`sudo .ci/slurm-up.sh`; `.ci/slurm-down.sh` stops it).
# Facts behind each setting: ../shared/ENVIRONMENT.md ("Slurm").
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-up: run as root (it installs packages and starts daemons)" >&2
  exit 2
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

if scontrol ping 2>/dev/null | grep -q 'is UP' && sinfo -h -o '%t' 2>/dev/null | grep -qx 'idle\|mix\|alloc'; then
  echo "slurm-up: already running"
  exit 0
fi

host="$(hostname -s)"
state=/run/exp-slurm
mkdir -p "$state" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm

# Two fake GPUs: GRES needs File= to name character devices (plain files make the node INVALID).
for i in 0 1; do
  [ -c "$state/gpu$i" ] || mknod "$state/gpu$i" c 1 3
done

# The node's real memory, from slurmd -C. CPUs are declared as 8 on purpose (config_overrides):
# the GPU test must be bounded by the two GPUs, not by the two cores of a CI machine.
memory="$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)"

cat > /etc/slurm/slurm.conf <<CONF
ClusterName=exp
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
# Job records stay this long after the end: the executor reads their state with squeue/scontrol
# (there is no accounting database).
MinJobAge=3600
KillWait=5
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Without a default every job takes the node's whole memory and jobs run one at a time.
DefMemPerCPU=1024
SlurmdParameters=config_overrides
GresTypes=gpu
NodeName=$host NodeAddr=127.0.0.1 CPUs=8 Boards=1 SocketsPerBoard=1 CoresPerSocket=8 ThreadsPerCore=1 RealMemory=$memory Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

cat > /etc/slurm/gres.conf <<CONF
NodeName=$host Name=gpu File=$state/gpu[0-1]
CONF

mkdir -p /run/munge
chown munge:munge /run/munge
chmod 0755 /run/munge
if ! pgrep -u munge -x munged >/dev/null; then
  runuser -u munge -- /usr/sbin/munged
fi

pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd -N "$host"

# Wait until the node is idle (about 10 s here); resume it if it came up drained from an old state.
for _ in $(seq 1 60); do
  node_state="$(sinfo -h -N -o '%t' 2>/dev/null | head -1 || true)"
  case "$node_state" in
    idle|mix|alloc) echo "slurm-up: node $host is $node_state (8 CPUs, 2 GPUs)"; exit 0 ;;
    drain*|down*) scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
  esac
  sleep 0.5
done
echo "slurm-up: node did not become idle; last state '${node_state:-none}'" >&2
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
