import { randomBytes } from 'node:crypto';
import pg from 'pg';

// A throwaway PostgreSQL database per benchmark run, so the WORKERS runs never touch another
// schema's data; dropped at the end (also after an error).

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/test';

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export async function createBenchDatabase(adminUrl = DEFAULT_ADMIN_URL): Promise<BenchDatabase> {
  // Generated here, so it is a plain identifier and needs no quoting.
  const name = `bench_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    url: u.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
