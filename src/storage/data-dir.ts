import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

// DATA_DIR holds the embedded database (audit, feedback, used token ids): readable by this
// service's user only. The directory is 0700, so nobody else can reach anything below it, and the
// process umask becomes 077 for whatever the service itself writes. PGlite sets the modes of its
// own files explicitly (0666, whatever the umask), so the tree is also tightened when the database
// has been opened and again when it is closed.

export const PRIVATE_UMASK = 0o077;

/** Creates `dir` with mode 0700 (or tightens it), and removes group and other bits below it. */
export async function preparePrivateDir(dir: string): Promise<void> {
  process.umask(PRIVATE_UMASK);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await tighten(dir);
}

/** Removes group and other bits from everything below `dir`. */
export async function tighten(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue; // chmod would follow it out of the directory
    const { mode } = await lstat(path);
    if ((mode & 0o077) !== 0) await chmod(path, mode & 0o700);
    if (entry.isDirectory()) await tighten(path);
  }
}
