import { readFileSync } from 'node:fs';

// CPU used by the processes of one measurement, so a throughput figure comes with where the
// machine's cores went: the service, the load generator (this process) or something else
// (PostgreSQL, the helper servers). On a small machine the generator competes with the service.

const CLK_TCK = 100; // Linux USER_HZ; `getconf CLK_TCK` is 100 on every mainstream kernel

/** The whole process (all threads), or with `mainThread` only its JavaScript thread (tid = pid). */
function procCpuSeconds(pid: number, mainThread = false): number {
  try {
    const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the command name).
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

export interface CpuUse {
  /** CPU seconds used by the service's processes during the run. */
  serviceCpuS: number;
  /** Percent of one core, summed over the service's processes. */
  servicePct: number;
  /**
   * CPU seconds of the service processes' main (JavaScript) threads only: what limits a process's
   * throughput. The rest of serviceCpuS is V8's garbage-collector helper threads and libuv's pool.
   */
  mainThreadCpuS: number;
  /** Percent of one core used by the benchmark process (autocannon). */
  loadGeneratorPct: number;
  /** Percent of the whole machine busy (all cores = 100). */
  machineBusyPct: number;
}

export interface CpuMeter {
  stop(): CpuUse;
}

/** Starts measuring; `pids` is called at start and stop (cluster workers may be replaced). */
export function startCpuMeter(pids: () => number[]): CpuMeter {
  const t0 = performance.now();
  const own0 = process.cpuUsage();
  const m0 = machineTicks();
  const startPids = pids();
  const svc0 = new Map(startPids.map((p) => [p, procCpuSeconds(p)]));
  const main0 = new Map(startPids.map((p) => [p, procCpuSeconds(p, true)]));
  return {
    stop() {
      const seconds = (performance.now() - t0) / 1000;
      const own = process.cpuUsage(own0);
      const m1 = machineTicks();
      let svc = 0;
      let main = 0;
      for (const p of new Set([...startPids, ...pids()])) {
        svc += procCpuSeconds(p) - (svc0.get(p) ?? 0);
        main += procCpuSeconds(p, true) - (main0.get(p) ?? 0);
      }
      const pct = (x: number) => Math.round((x / seconds) * 1000) / 10;
      return {
        serviceCpuS: Math.round(svc * 100) / 100,
        servicePct: pct(svc),
        mainThreadCpuS: Math.round(main * 100) / 100,
        loadGeneratorPct: pct((own.user + own.system) / 1e6),
        machineBusyPct: m1.total > m0.total ? Math.round(((m1.busy - m0.busy) / (m1.total - m0.total)) * 1000) / 10 : 0,
      };
    },
  };
}
