import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { EngineHelperMissingError } from '../errors.js';
import { PEER_CREDENTIALS_PATH } from '../package-files.js';

/**
 * Who is at the other end of a connection, as the kernel recorded it (SO_PEERCRED), read by
 * the small Node-API addon peer-credentials.node (peer-credentials.c): Node cannot read it. A
 * getsockopt per connection, where a helper process cost ~2 ms.
 */
export interface PeerCredentials {
  uid: number;
  pid: number;
}

interface PeerCredentialsAddon {
  peerCredentials(fd: number): PeerCredentials | null;
}

let addon: PeerCredentialsAddon | undefined;

function loadedAddon(): PeerCredentialsAddon {
  if (addon) return addon;
  if (!existsSync(PEER_CREDENTIALS_PATH)) throw new EngineHelperMissingError(PEER_CREDENTIALS_PATH);
  addon = createRequire(import.meta.url)(PEER_CREDENTIALS_PATH) as PeerCredentialsAddon;
  return addon;
}

/** Throws when the addon is not built: the engine does not start without its peer check. */
export function requirePeerCheck(): void {
  loadedAddon();
}

/** The peer's credentials, or undefined when they cannot be read (the connection is then refused). */
export function peerCredentials(socket: Socket): PeerCredentials | undefined {
  // An accepted Unix socket's libuv handle knows its descriptor; Node has no public way to it.
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return (fd !== undefined && loadedAddon().peerCredentials(fd)) || undefined;
}
