// What npm shows and ships for every package: the licence the manifest names, as a file in the
// package; where the code and its issues live; and one Node.js range, the same in every
// package.json, that every runtime dependency installed with the packages accepts. Read from
// the working tree, so it needs no build.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const REPOSITORY = 'git+https://github.com/keyward/keyward.git';
const HOMEPAGE = 'https://github.com/keyward/keyward';

interface Manifest {
  name: string;
  version?: string;
  private?: boolean;
  license?: string;
  homepage?: string;
  bugs?: { url?: string } | string;
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** Every workspace package, by its folder relative to the root (the root itself is `.`). */
function workspaceDirs(): string[] {
  const dirs = ['.'];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      if (existsSync(join(root, group, name, 'package.json'))) dirs.push(`${group}/${name}`);
    }
  }
  dirs.push('bench');
  return dirs;
}

const published = workspaceDirs().filter((dir) => dir !== '.' && readManifest(join(root, dir)).private !== true);

// semver is not a dependency of the workspace; it comes with the tools (vitest and others).
const semver = createRequire(join(root, 'node_modules/.pnpm/node_modules/')).call(null, 'semver') as {
  subset(sub: string, dom: string): boolean;
  validRange(range: string): string | null;
};

/** Where Node would find `name` from `dir`: the nearest `node_modules/name`, as pnpm lays it out. */
function resolvePackage(dir: string, name: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(at) === at) return undefined;
  }
}

interface Installed {
  name: string;
  version: string;
  node: string | undefined;
  /** The chain from a keyward package to it, e.g. `@keyward/fastify > fastify > light-my-request`. */
  via: string;
}

/**
 * Every package installed at run time with `dir`'s package: its `dependencies` and
 * `optionalDependencies`, transitively, and its peers (the framework the user brings) as
 * installed here.
 */
function runtimeDependencies(dir: string): Installed[] {
  const found = new Map<string, Installed>();
  const walk = (at: string, names: string[], via: string) => {
    for (const name of names) {
      if (name.startsWith('@keyward/')) continue;
      const resolved = resolvePackage(at, name);
      if (resolved === undefined || found.has(resolved)) continue;
      const manifest = readManifest(resolved);
      const chain = `${via} > ${name}`;
      found.set(resolved, { name, version: manifest.version ?? '', node: manifest.engines?.node, via: chain });
      walk(resolved, Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }), chain);
    }
  };
  const manifest = readManifest(join(root, dir));
  walk(
    join(root, dir),
    Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies }),
    manifest.name,
  );
  return [...found.values()];
}

// Installed packages whose own engines ask for more than keyward's range, each with the reason
// it is acceptable; docs/architecture.md and the adapters' READMEs say the same. A new entry
// here is a decision about the supported Node.js versions, not a way to quiet this test.
const ASKS_FOR_MORE: Record<string, string> = {
  // light-my-request (Fastify's inject) takes cookie ^2, which declares Node >= 22. It is
  // Fastify's dependency, not keyward's: @keyward/fastify runs on Node 20 with any Fastify 5
  // that runs there, and its README says current Fastify releases want Node 22.
  cookie: 'fastify > light-my-request',
};

describe('package metadata', () => {
  it('finds every published package', () => {
    expect(published).toEqual([
      'packages/cli',
      'packages/client',
      'packages/core',
      'packages/express',
      'packages/fastify',
      'packages/koa',
      'packages/store-postgres',
    ]);
  });

  it.each(published)('%s ships the MIT licence its manifest names, and says where it lives', (dir) => {
    const manifest = readManifest(join(root, dir));
    expect(manifest.license).toBe('MIT');
    const license = readFileSync(join(root, dir, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
    expect(license).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    expect(manifest.repository).toEqual({ type: 'git', url: REPOSITORY, directory: dir });
    expect(manifest.homepage).toBe(`${HOMEPAGE}/tree/main/${dir}#readme`);
    expect(manifest.bugs).toEqual({ url: `${HOMEPAGE}/issues` });
  });

  it('declares one Node.js range in every package.json, the root and the private ones included', () => {
    const ranges = Object.fromEntries(workspaceDirs().map((dir) => [dir, readManifest(join(root, dir)).engines?.node]));
    const range = ranges['.'];
    expect(range).toBeDefined();
    expect(semver.validRange(range as string)).not.toBeNull();
    expect(ranges).toEqual(Object.fromEntries(Object.keys(ranges).map((dir) => [dir, range])));
  });

  it("runs on every Node.js version it claims, as far as the installed dependencies' engines say", () => {
    const range = readManifest(root).engines?.node as string;
    const refusing: string[] = [];
    const excused = new Set<string>();
    const installed = [...published, 'apps/server'].flatMap((dir) => runtimeDependencies(dir));
    // zod, undici, pg, PGlite, fastify-plugin and the three frameworks, with what they bring.
    expect(installed.length).toBeGreaterThan(50);
    for (const dep of installed) {
      if (dep.node === undefined || semver.subset(range, dep.node)) continue;
      const reason = ASKS_FOR_MORE[dep.name];
      if (reason !== undefined && dep.via.includes(reason)) {
        excused.add(dep.name);
        continue;
      }
      refusing.push(`${dep.via}@${dep.version} wants node ${dep.node}`);
    }
    expect(refusing).toEqual([]);
    // Each excuse is still needed: one that no longer applies is removed, not kept.
    expect([...excused].sort()).toEqual(Object.keys(ASKS_FOR_MORE).sort());
  });
});
