import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { EngineHelperMissingError } from '../errors.js';
import { PEER_UID_PATH } from '../package-files.js';

/**
 * Who is at the other end of a connection, as the kernel recorded it (SO_PEERCRED), read by
 * the small helper lb-peer-uid (peer-uid.c): Node cannot read it. About 2 ms per connection.
 */
export interface PeerCredentials {
  uid: number;
  pid: number;
}

/** Throws when the helper is not built: the engine does not start without its peer check. */
export function requirePeerCheck(): void {
  if (!existsSync(PEER_UID_PATH)) throw new EngineHelperMissingError(PEER_UID_PATH);
}

/** The peer's credentials, or undefined when the helper could not tell (the connection is then refused). */
export function peerCredentials(socket: Socket): Promise<PeerCredentials | undefined> {
  return new Promise((resolve) => {
    const helper = spawn(PEER_UID_PATH, [], { stdio: ['ignore', 'pipe', 'ignore', socket] });
    let output = '';
    helper.stdout!.on('data', (chunk: Buffer) => (output += chunk));
    helper.on('error', () => resolve(undefined));
    helper.on('close', (code) => {
      const match = /^(\d+) (\d+)\n$/.exec(output);
      resolve(code === 0 && match ? { uid: Number(match[1]), pid: Number(match[2]) } : undefined);
    });
  });
}
