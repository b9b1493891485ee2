#!/bin/bash
#OAR -n cv-sweep
#OAR --array 4
#OAR -l /nodes=1/core=2/gpu=1,walltime=2:00:00
#OAR -O "/home/ana/my project/.labbook/jobs/logs/cv-sweep-%jobid%.out"
#OAR -E "/home/ana/my project/.labbook/jobs/logs/cv-sweep-%jobid%.out"
#OAR -d "/home/ana/my project"
#OAR -q gpu
# Each run asks for 4096 MiB of memory (OAR has no memory request).

# Each task is one labbook worker: it executes runs from the store until none is left. On
# SIGTERM (a cancel, the time limit, a preemption) it gives its runs back to the queue.
cd '/home/ana/my project' || exit 1
exec /opt/node/bin/node /opt/labbook/dist/cli/labbook.js --store '/home/ana/my project/.labbook' worker -e cv-sweep -j 1

# submit with:
# oarsub --account=proj1 -S '/home/ana/my project/.labbook/jobs/cv-sweep-1.sh'
