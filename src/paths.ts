import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Data files (cards/, fixtures/, terminology/, sources/) live at the project root. Code runs both
// from src/ (tests) and from dist/src/ (npm start), so walk up to the folder holding package.json.
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const projectRoot = findProjectRoot();

export function fromRoot(...parts: string[]): string {
  return join(projectRoot, ...parts);
}
