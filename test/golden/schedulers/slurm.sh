#!/bin/bash
#SBATCH --job-name=cv-sweep
#SBATCH --array=0-3
#SBATCH "--output=/home/ana/my project/.labbook/jobs/logs/cv-sweep-%A_%a.out"
#SBATCH "--chdir=/home/ana/my project"
#SBATCH --cpus-per-task=2
#SBATCH --gres=gpu:1
#SBATCH --mem=4096M
#SBATCH --time=2:00:00
#SBATCH --partition=gpu

# Each task is one labbook worker: it executes runs from the store until none is left. On
# SIGTERM (a cancel, the time limit, a preemption) it gives its runs back to the queue.
cd '/home/ana/my project' || exit 1
exec /opt/node/bin/node /opt/labbook/dist/cli/labbook.js --store '/home/ana/my project/.labbook' worker -e cv-sweep -j 1

# submit with:
# sbatch --parsable --account=proj1 '/home/ana/my project/.labbook/jobs/cv-sweep-1.sh'
