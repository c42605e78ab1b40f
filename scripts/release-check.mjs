// Packs every published package the way `changeset publish` would (pnpm pack turns
// `workspace:^` into real ranges) and lints the tarballs users would install: publint for the
// package.json and files, attw for the types under every module resolution, and the LICENSE the
// MIT licence requires to travel with every copy. Offline.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, '.release-check');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out);

const failures = [];
const dirs = fs.readdirSync(path.join(root, 'packages')).sort();
for (const dir of dirs) {
  const pkgDir = path.join(root, 'packages', dir);
  const manifestPath = path.join(pkgDir, 'package.json');
  if (!fs.existsSync(manifestPath)) continue;
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  if (manifest.private) continue;
  const before = new Set(fs.readdirSync(out));
  execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: pkgDir, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = fs.readdirSync(out).find((f) => !before.has(f) && f.endsWith('.tgz'));
  if (!tarball) {
    failures.push(`${manifest.name}: pnpm pack produced no tarball`);
    continue;
  }
  const file = path.join(out, tarball);
  // npm packs a LICENSE beside package.json whatever `files` says (pnpm falls back to the
  // workspace root's); the manifest says MIT, so the file must be the MIT licence.
  const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n');
  const license = listing.includes('package/LICENSE')
    ? execFileSync('tar', ['-xzOf', file, 'package/LICENSE'], { encoding: 'utf8' })
    : '';
  if (manifest.license === 'MIT' && license.startsWith('MIT License\n')) {
    console.log(`ok   LICENSE ${manifest.name}`);
  } else {
    console.log(`FAIL LICENSE ${manifest.name}: the tarball has no package/LICENSE with the MIT licence`);
    failures.push(`${manifest.name}: LICENSE`);
  }
  const checks = [
    ['publint', ['exec', 'publint', 'run', '--strict', file]],
    ['attw', ['exec', 'attw', '--no-emoji', '--no-color', '--profile', 'node16', file]],
  ];
  for (const [name, args] of checks) {
    try {
      execFileSync('pnpm', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      console.log(`ok   ${name} ${manifest.name}`);
    } catch (err) {
      console.log(`FAIL ${name} ${manifest.name}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      failures.push(`${manifest.name}: ${name}`);
    }
  }
}
fs.rmSync(out, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`release:check failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('release:check: every published package packs cleanly');
