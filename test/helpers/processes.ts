import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  argv: string[];
}

/** Every process of the machine, read from /proc (one that exits while we read is skipped). */
export function listProcesses(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').slice(0, -1);
      if (argv.length > 0) found.push({ pid: Number(entry), argv });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Processes with `marker` as one of their arguments (zombies have an empty cmdline, so they do not count). */
export function processesWithArgument(marker: string): ProcessInfo[] {
  return listProcesses().filter((p) => p.pid !== process.pid && p.argv.some((arg) => arg.includes(marker)));
}

/** The parent pid of a process, or undefined when it is gone. */
export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: the fields follow its last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** `root` and every process descending from it, as the process table shows now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const { pid } of listProcesses()) {
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** Whether `pid` is a process that has not exited (a zombie waiting for its parent has). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A `sleep` argument no other process has (`30.000123456`): sleeps about `seconds` and marks
 * the processes of one test in the process table.
 */
export function uniqueSleep(seconds: number): string {
  const digits = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  return `${seconds}.${String(process.pid % 1000).padStart(3, '0')}${digits}`;
}
