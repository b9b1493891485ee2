import { PYTHON_FD3_REQUEST } from './python-fd3.js';

/**
 * Training over the raw fd-3 protocol that restores its latest checkpoint when it starts. With
 * `polls`, it asks `preempted` after each step and, told so, checkpoints and exits with status 0
 * (`asked` records the step); without, it checkpoints in its SIGTERM handler as scripts written
 * before the request did (`signalled` records the step). Nothing else checkpoints. `starts`
 * records (attempt, first step) of each attempt.
 */
export const preemptibleTraining = (steps: number): string => String.raw`${PYTHON_FD3_REQUEST}
import signal, time
run_dir = os.environ['LABBOOK_RUN_DIR']
polls = json.loads(os.environ['LABBOOK_PARAMS'])['polls']
step = 0

def checkpoint(marker):
    path = os.path.join(run_dir, 'state.json')
    with open(path, 'w') as f:
        json.dump({'step': step}, f)
    request({'type': 'checkpoint', 'path': path})
    with open(os.path.join(run_dir, marker), 'w') as f:
        f.write(str(step))

def on_sigterm(signum, frame):
    checkpoint('signalled')
    sys.exit(143)

signal.signal(signal.SIGTERM, on_sigterm)
restored = request({'type': 'restore'})
if restored is not None:
    with open(restored['path']) as f:
        step = json.load(f)['step']
start = step
with open(os.path.join(run_dir, 'starts'), 'a') as f:
    f.write('%s %d\n' % (os.environ['LABBOOK_ATTEMPT'], step))
while step < ${steps}:
    time.sleep(0.1)
    step += 1
    os.write(3, (json.dumps({'type': 'metrics', 'values': {'step_done': step}, 'step': step}) + '\n').encode())
    if polls and request({'type': 'preempted'}):
        checkpoint('asked')
        sys.exit(0)
os.write(3, (json.dumps({'type': 'result', 'value': {'resumed_from': start}}) + '\n').encode())
`;
