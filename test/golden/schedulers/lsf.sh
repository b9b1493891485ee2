#!/bin/bash
#BSUB -J cv-sweep[1-4]
#BSUB -o "/home/ana/my project/.labbook/jobs/logs/cv-sweep-%J_%I.out"
#BSUB -cwd "/home/ana/my project"
#BSUB -n 2
#BSUB -R span[hosts=1]
#BSUB -R rusage[mem=4096]
#BSUB -gpu num=1
#BSUB -W 2:00:00
#BSUB -q gpu

# Each task is one labbook worker: it executes runs from the store until none is left. On
# SIGTERM (a cancel, the time limit, a preemption) it gives its runs back to the queue.
cd '/home/ana/my project' || exit 1
exec /opt/node/bin/node /opt/labbook/dist/cli/labbook.js --store '/home/ana/my project/.labbook' worker -e cv-sweep -j 1

# submit with:
# bsub --account=proj1 < '/home/ana/my project/.labbook/jobs/cv-sweep-1.sh'
