#!/bin/bash
#PBS -N cv-sweep
#PBS -t 0-3
#PBS -o "/home/ana/my project/.labbook/jobs/logs/"
#PBS -j oe
#PBS -l nodes=1:ppn=2:gpus=1
#PBS -l mem=4096mb
#PBS -l walltime=2:00:00
#PBS -q gpu

# Each task is one labbook worker: it executes runs from the store until none is left. On
# SIGTERM (a cancel, the time limit, a preemption) it gives its runs back to the queue.
cd '/home/ana/my project' || exit 1
exec /opt/node/bin/node /opt/labbook/dist/cli/labbook.js --store '/home/ana/my project/.labbook' worker -e cv-sweep -j 1

# submit with:
# qsub --account=proj1 '/home/ana/my project/.labbook/jobs/cv-sweep-1.sh'
