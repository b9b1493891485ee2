#!/bin/bash
#$ -N cv-sweep
#$ -t 1-4
#$ -o "/home/ana/my project/.labbook/jobs/logs/cv-sweep-$JOB_ID.$TASK_ID.out"
#$ -j y
#$ -S /bin/bash
#$ -wd "/home/ana/my project"
#$ -pe smp 2
#$ -l h_vmem=2048M
#$ -l gpu=1
#$ -l h_rt=2:00:00
#$ -q gpu

# Each task is one labbook worker: it executes runs from the store until none is left. On
# SIGTERM (a cancel, the time limit, a preemption) it gives its runs back to the queue.
cd '/home/ana/my project' || exit 1
exec /opt/node/bin/node /opt/labbook/dist/cli/labbook.js --store '/home/ana/my project/.labbook' worker -e cv-sweep -j 1

# submit with:
# qsub -terse --account=proj1 '/home/ana/my project/.labbook/jobs/cv-sweep-1.sh'
