import { EXIT_ENVIRONMENT } from '../errors.js';

/** The oldest Node.js line labbook runs on; package.json's `engines` says the same. */
export const MINIMUM_NODE_MAJOR = 24;

export interface NodeRuntime {
  /** process.versions.node */
  version: string;
  /** process.execPath */
  execPath: string;
  /** $LABBOOK_NODE, when bin/labbook was told which Node to use. */
  chosen: string | undefined;
  /** Where labbook is installed (make provisions Node into its .tools/). */
  packageRoot: string;
}

/**
 * Why this Node.js cannot run labbook, and what to do; undefined when it can. bin/labbook
 * runs $LABBOOK_NODE, else the Node that make fetched into .tools/, else the node on PATH, so
 * the answer depends on which of them was too old.
 */
export function oldNodeMessage(node: NodeRuntime): string | undefined {
  const major = Number.parseInt(node.version, 10);
  if (major >= MINIMUM_NODE_MAJOR) return undefined;
  const found = `Node.js ${node.version} (${node.execPath})`;
  if (node.chosen) {
    return `labbook: LABBOOK_NODE names ${found}; labbook needs Node.js ${MINIMUM_NODE_MAJOR} or newer: point LABBOOK_NODE at a newer node binary, or unset it to use the one make fetches.\n`;
  }
  return (
    `labbook: Node.js ${MINIMUM_NODE_MAJOR} or newer is needed; the node on PATH is ${found}.\n` +
    `Run \`make build\` in ${node.packageRoot}: it fetches Node.js ${MINIMUM_NODE_MAJOR} from the npm registry into .tools/, where labbook finds it.\n` +
    `Or install Node.js ${MINIMUM_NODE_MAJOR} or newer, or set LABBOOK_NODE to its node binary.\n`
  );
}

/** Ends the process with the message and exit status 3 when this Node.js is too old. */
export function refuseOldNode(packageRoot: string): void {
  const message = oldNodeMessage({
    version: process.versions.node,
    execPath: process.execPath,
    chosen: process.env.LABBOOK_NODE || undefined,
    packageRoot,
  });
  if (message === undefined) return;
  process.stderr.write(message);
  process.exit(EXIT_ENVIRONMENT);
}
