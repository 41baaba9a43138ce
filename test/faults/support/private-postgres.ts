import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './service-process.js';

// A PostgreSQL instance of our own for one test file: own data directory under a temporary
// directory, own port, own socket directory. It is stopped and started by the test; the machine's
// shared server (5432) is never touched. PostgreSQL refuses to run as root, so as root the
// commands run as the `postgres` user (runuser) on a directory chowned to it.

export interface PrivatePostgres {
  port: number;
  url: string;
  dir: string;
  start(): void;
  /** Immediate shutdown: connections are cut, as in a crash or a network partition. */
  stop(): void;
  running(): boolean;
  destroy(): void;
}

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
  return join(root, versions[0], 'bin');
}

export function hasPostgresBinaries(): boolean {
  try {
    pgBin();
    return true;
  } catch {
    return false;
  }
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = pgBin();
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'heme-pg-'));
  chmodSync(dir, 0o700);
  const dataDir = join(dir, 'data');
  const port = await freePort();
  if (asRoot) {
    const pgUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const pgGid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, pgUid, pgGid);
  }
  const run = (cmd: string, args: string[]) => {
    const file = join(bin, cmd);
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    execFileSync(full[0] as string, full[1] as string[], { stdio: 'pipe', timeout: 60_000 });
  };
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  let up = false;
  const pg: PrivatePostgres = {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    dir,
    start() {
      run('pg_ctl', [
        '-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '30',
        '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`,
        'start',
      ]);
      up = true;
    },
    stop() {
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop']);
      up = false;
    },
    running: () => up,
    destroy() {
      try {
        if (up) pg.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  pg.start();
  return pg;
}
