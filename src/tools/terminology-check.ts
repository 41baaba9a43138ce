import { checkSiteFile } from './terminology-diff.js';

// npm run terminology:check -- FILE
// Validates a site code file (the TERMINOLOGY_FILE format) against the shipped terminology and
// prints what it adds. Exit 0 when the service would accept it, 1 when it would refuse to start.

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  process.stderr.write('usage: npm run terminology:check -- FILE\n');
  process.exit(2);
}
const result = checkSiteFile(file);
if (!result.ok) {
  process.stdout.write(`${file}: INVALID, the service would not start with it:\n${result.error}\n`);
  process.exit(1);
}
process.stdout.write(`${file}: valid. It adds:\n${result.additions.map((a) => `  ${a}`).join('\n')}\n`);
if (result.warnings.length) process.stdout.write(`Worth a look:\n${result.warnings.map((w) => `  ${w}`).join('\n')}\n`);
