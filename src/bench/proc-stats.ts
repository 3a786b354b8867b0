import { readFileSync } from 'node:fs';

/** Linux /proc readings of another process (and its live children), for load tests and soaks. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** user + system CPU seconds of the process and every live descendant (capture processes). */
export function cpuSecondsOfTree(pid: number): number {
  let total = 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total = (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime; USER_HZ is 100
  } catch {
    return 0;
  }
  for (const child of childPids(pid)) total += cpuSecondsOfTree(child);
  return total;
}

/** Resident set size in MB (VmRSS), 0 when the process is gone. */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Proportional set size in MB (smaps_rollup): resident pages, each page shared by n processes
 * counted 1/n. Summed over a tree it counts the libraries every FFmpeg maps once, where the sum
 * of RSS counts them once per process. 0 when the process is gone.
 */
export function pssMb(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds of the tree, plus what its root's finished children used (a capture process whose file ended). */
export function treeCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return cpuSecondsOfTree(pid) + (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime
  } catch {
    return 0;
  }
}

/** RSS and PSS of the process and every live descendant (MB). */
export function treeMemoryMb(pid: number): { rss: number; pss: number } {
  return childPids(pid)
    .map(treeMemoryMb)
    .reduce((sum, child) => ({ rss: sum.rss + child.rss, pss: sum.pss + child.pss }), { rss: rssMb(pid), pss: pssMb(pid) });
}
