// Start-up failures explained in terms of the setting to change: an operator reading
// "EADDRINUSE" must still find out which variable to fix. Messages never quote DATABASE_URL
// (it holds a password).

type Errno = NodeJS.ErrnoException;

/** Why the service (`PORT`) or the demo FHIR server (`DEMO_FHIR_PORT`) could not listen. */
export function listenFailure(err: Errno | { code?: string; message: string }, setting: 'PORT' | 'DEMO_FHIR_PORT', host: string, port: number): string {
  const alsoDemoOff = setting === 'DEMO_FHIR_PORT' ? ', or DEMO_FHIR=off to run without the demo FHIR server' : '';
  switch (err.code) {
    case 'EADDRINUSE':
      return `${setting}=${port} is already in use on ${host} (another heme-cds or another program listens there): stop it, or set ${setting} to a free port${alsoDemoOff}`;
    case 'EACCES':
      return `${setting}=${port}: this user may not listen on that port (ports below 1024 need privileges): set ${setting} to 1024 or above${alsoDemoOff}`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST=${host} is not an address of this machine: set HOST to one of its addresses (127.0.0.1: this machine only; 0.0.0.0: every interface)`;
    default:
      return `${setting}=${port}: could not listen on ${host} (${err.code ?? err.message})${alsoDemoOff}`;
  }
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** Why the database could not be opened, or undefined when the error says nothing we can map. */
export function databaseFailure(err: Errno, opts: { databaseUrl?: string; dataDir: string }): string | undefined {
  const code = err.code ?? '';
  if (opts.databaseUrl) {
    if (CONNECT_CODES.has(code)) {
      return `could not reach the PostgreSQL server named in DATABASE_URL (${code}): check the host and port in DATABASE_URL and that PostgreSQL is running`;
    }
    if (code === '28P01' || code === '28000') return 'PostgreSQL refused the user or password given in DATABASE_URL: fix DATABASE_URL';
    if (code === '3D000') return 'the database named in DATABASE_URL does not exist: create it, or fix DATABASE_URL';
    if (code === '42501') return 'the PostgreSQL user in DATABASE_URL may not create the tables: grant it CREATE on the database, or fix DATABASE_URL';
    return `could not open the PostgreSQL database named in DATABASE_URL (${code || err.message}): check DATABASE_URL`;
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC' || code === 'ENOTDIR') {
    return `DATA_DIR=${opts.dataDir}: the embedded database cannot be written there (${code}): set DATA_DIR to a writable folder`;
  }
  return undefined;
}
