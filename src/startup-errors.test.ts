import { databaseFailure, listenFailure } from './startup-errors.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`failed: ${code}`), { code });
}

describe('listen failures name the setting to fix', () => {
  it('a port in use names PORT, or DEMO_FHIR_PORT and DEMO_FHIR=off', () => {
    expect(listenFailure(errno('EADDRINUSE'), 'PORT', '127.0.0.1', 8080)).toMatch(/^PORT=8080 is already in use on 127\.0\.0\.1.*set PORT to a free port$/);
    const demo = listenFailure(errno('EADDRINUSE'), 'DEMO_FHIR_PORT', '127.0.0.1', 8081);
    expect(demo).toMatch(/^DEMO_FHIR_PORT=8081 is already in use/);
    expect(demo).toContain('DEMO_FHIR=off');
  });

  it('a privileged port and a foreign address say what to set', () => {
    expect(listenFailure(errno('EACCES'), 'PORT', '0.0.0.0', 80)).toMatch(/set PORT to 1024 or above/);
    expect(listenFailure(errno('EADDRNOTAVAIL'), 'PORT', '192.0.2.7', 8080)).toMatch(/^HOST=192\.0\.2\.7 is not an address of this machine/);
  });
});

describe('database failures name DATABASE_URL or DATA_DIR', () => {
  const pg = { databaseUrl: 'postgresql://heme:secret-pw@db.invalid:5432/heme', dataDir: './data' };

  it.each([
    ['ECONNREFUSED', /could not reach the PostgreSQL server named in DATABASE_URL/],
    ['ENOTFOUND', /check the host and port in DATABASE_URL/],
    ['28P01', /refused the user or password given in DATABASE_URL/],
    ['3D000', /database named in DATABASE_URL does not exist/],
    ['XX000', /check DATABASE_URL$/],
  ])('%s', (code, expected) => {
    const message = databaseFailure(errno(code), pg);
    expect(message).toMatch(expected);
    expect(message).not.toContain('secret-pw');
  });

  it('an unwritable DATA_DIR names DATA_DIR; other embedded errors are left as they are', () => {
    expect(databaseFailure(errno('EACCES'), { dataDir: '/nope' })).toMatch(/^DATA_DIR=\/nope: the embedded database cannot be written there/);
    expect(databaseFailure(errno('EIO'), { dataDir: '/nope' })).toBeUndefined();
  });
});
