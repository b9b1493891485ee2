/**
 * Python (standard library only) that a test's run script starts with: `request(message)`
 * sends one fd-3 request and returns its answer's value, exiting on a refusal or a closed
 * channel. Scripts of the crash and preemption tests speak the raw protocol with it.
 */
export const PYTHON_FD3_REQUEST = String.raw`
import json, os, sys
buffered = b''
next_id = 0

def request(message):
    global buffered, next_id
    next_id += 1
    os.write(3, (json.dumps({**message, 'id': next_id}) + '\n').encode())
    while b'\n' not in buffered:
        chunk = os.read(3, 4096)
        if not chunk:
            sys.exit('channel closed')
        buffered += chunk
    line, buffered = buffered.split(b'\n', 1)
    reply = json.loads(line)
    if not reply['ok']:
        sys.exit(reply['error']['message'])
    return reply['value']
`;
