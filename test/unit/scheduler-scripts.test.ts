import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schedulerNamed, type WorkerJob } from '../../src/scheduler/index.js';
import { memoryMegabytes, taskResources } from '../../src/scheduler/resources.js';
import { describeSubmission } from '../../src/scheduler/submit-job.js';
import { SCHEDULER_NAMES } from '../../src/scheduler/types.js';
import { assertGolden } from '../helpers/golden.js';

/** A job of every option, in paths with a blank and a quote, as a cluster user would submit it. */
const JOB: WorkerJob = {
  name: 'cv-sweep',
  workers: 4,
  workerCommand: [
    '/opt/node/bin/node',
    '/opt/labbook/dist/cli/labbook.js',
    '--store',
    '/home/ana/my project/.labbook',
    'worker',
    '-e',
    'cv-sweep',
    '-j',
    '1',
  ],
  cwd: '/home/ana/my project',
  logDir: '/home/ana/my project/.labbook/jobs/logs',
  cpus: 2,
  gpus: 1,
  memoryMb: 4096,
  time: '2:00:00',
  partition: 'gpu',
  directives: [],
  submitArgs: ['--account=proj1'],
};

for (const name of SCHEDULER_NAMES) {
  test(`the ${name} script and submit command of 4 workers are the golden ones`, () => {
    const scheduler = schedulerNamed(name);
    const { script, command } = describeSubmission(scheduler, JOB, '/home/ana/my project/.labbook/jobs/cv-sweep-1.sh');
    assertGolden(`schedulers/${name}.sh`, `${script}\n# submit with:\n# ${command}\n`);
  });
}

test('a job with no resources asks for none: the cluster defaults apply', () => {
  const bare: WorkerJob = {
    name: 'g',
    workers: 1,
    workerCommand: ['labbook', 'worker'],
    cwd: '/p',
    logDir: '/p/logs',
    directives: [],
    submitArgs: [],
  };
  const script = schedulerNamed('slurm').script(bare);
  assert.match(script, /#SBATCH --array=0-0\n/);
  assert.doesNotMatch(script, /--cpus-per-task|--gres|--mem|--time|--partition/);
});

test("Slurm's --gres replaces the spec's gpus, and a script's own directives come after labbook's", () => {
  const job: WorkerJob = { ...JOB, gres: 'gpu:a100:2', directives: ['#SBATCH --time=1-00:10:00', '#SBATCH --ntasks=1'] };
  const script = schedulerNamed('slurm').script(job);
  assert.match(script, /#SBATCH --gres=gpu:a100:2\n/);
  assert.doesNotMatch(script, /gres=gpu:1/);
  assert.ok(script.indexOf('#SBATCH --ntasks=1') > script.indexOf('#SBATCH --partition=gpu'));
  assert.ok(script.indexOf('#SBATCH --ntasks=1') < script.indexOf('exec '));
});

test('the job ids each submit command prints are read, and its tasks named as the status listing names them', () => {
  const cases: Array<[string, string, string[], string[]]> = [
    ['slurm', '4242\n', ['4242'], ['4242_0', '4242_1']],
    ['slurm', '4242;cluster\n', ['4242'], ['4242_0', '4242_1']],
    ['sge', '77.1-2:1\n', ['77'], ['77.1', '77.2']],
    ['pbs', '88[].head.cluster\n', ['88[].head.cluster'], ['88[0].head.cluster', '88[1].head.cluster']],
    ['lsf', 'Job <99> is submitted to queue <normal>.\n', ['99'], ['99[1]', '99[2]']],
    ['oar', '[ADMISSION RULE] Modify resource description\nOAR_JOB_ID=10\nOAR_JOB_ID=11\nOAR_ARRAY_ID=10\n', ['10', '11'], ['10', '11']],
  ];
  for (const [name, output, ids, tasks] of cases) {
    const scheduler = schedulerNamed(name);
    assert.deepEqual(scheduler.jobIdsOf(output), ids, name);
    assert.deepEqual(scheduler.taskIdsOf(ids, 2), tasks, name);
  }
  assert.deepEqual(schedulerNamed('slurm').jobIdsOf('sbatch: error: invalid partition specified: nope\n'), []);
});

test('the status listings are read into one state per task', () => {
  const cases: Array<[string, string, Array<{ task: string; state: string; detail?: string }>]> = [
    [
      'slurm',
      '4242_0|RUNNING|node1\n4242_1|PENDING|(Resources)\n4242_2|COMPLETED|(None)\n',
      [
        { task: '4242_0', state: 'RUNNING', detail: 'node1' },
        { task: '4242_1', state: 'PENDING', detail: '(Resources)' },
        { task: '4242_2', state: 'COMPLETED' },
      ],
    ],
    [
      'sge',
      'job-ID  prior   name       user  state submit/start at     queue          slots ja-task-ID\n' +
        '-----------------------------------------------------------------------------------------\n' +
        '     77 0.55500 cv-sweep   ana   r     12/06/2026 22:10:01 all.q@node1        1 1\n' +
        '     77 0.55500 cv-sweep   ana   qw    12/06/2026 22:10:00                    1 2\n',
      [
        { task: '77.1', state: 'RUNNING' },
        { task: '77.2', state: 'PENDING' },
      ],
    ],
    [
      'pbs',
      'Job ID                    Name             User            Time Use S Queue\n' +
        '------------------------- ---------------- --------------- -------- - -----\n' +
        '88[0].head                cv-sweep-0       ana             00:00:01 R batch\n' +
        '88[1].head                cv-sweep-1       ana                    0 Q batch\n',
      [
        { task: '88[0].head', state: 'RUNNING' },
        { task: '88[1].head', state: 'QUEUED' },
      ],
    ],
    [
      'lsf',
      '99 1 RUN node1\n99 2 PEND -\n',
      [
        { task: '99[1]', state: 'RUN', detail: 'node1' },
        { task: '99[2]', state: 'PEND' },
      ],
    ],
    [
      'oar',
      '10: Running\n11: Waiting\n',
      [
        { task: '10', state: 'RUNNING' },
        { task: '11', state: 'WAITING' },
      ],
    ],
  ];
  for (const [name, output, expected] of cases) assert.deepEqual(schedulerNamed(name).parseStatus(output), expected, name);
});

test("a spec's resources become each task's request: memory in whole MiB", () => {
  assert.equal(memoryMegabytes('16G'), 16384);
  assert.equal(memoryMegabytes('512M'), 512);
  assert.equal(memoryMegabytes('1.5GiB'), 1536);
  assert.equal(memoryMegabytes('100k'), 1);
  assert.deepEqual(taskResources({ cpus: 4, gpus: 0, memory: '2G' }), { cpus: 4, memoryMb: 2048 });
  assert.deepEqual(taskResources(undefined), {});
});
