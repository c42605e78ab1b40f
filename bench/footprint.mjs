// What keyward costs the people who install it: the bundle of a one-line app on each adapter
// and of the client (and how much of it is zod), the install size of each published package,
// and the idle memory of the reference server on the embedded database and on PostgreSQL.
//
//   pnpm build && node bench/footprint.mjs [bundles] [installs] [rss]   (all three by default)
//
// Bundles: esbuild, minified, platform node, the framework left out (it is the app's own
// dependency, a peer of the adapter). Installs: each package packed as it would be published
// (pnpm pack), installed with npm into an empty folder together with the packed @keyward
// packages it depends on (they are not on the registry yet), peers left out, and the folder
// summed in bytes. RSS: `node apps/server/dist/main.js`, started, given a few requests, then
// left idle 5 s; VmRSS is what it holds then, VmHWM its peak. DATABASE_URL for the PostgreSQL
// row.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEV_API_KEY } from '@keyward/core';
import * as esbuild from 'esbuild';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const asked = new Set(process.argv.slice(2));
const wants = (part) => asked.size === 0 || asked.has(part);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

// One line of app per entry: the adapter guarding every route with a store of the app's own
// (the store is the app's choice; a database store is measured by its install size).
const APPS = {
  '@keyward/express': `import express from 'express'; import { apiKeyAuth } from '@keyward/express';
    express().use(apiKeyAuth({ store: { findByHash: async () => null } })).listen(3000);`,
  '@keyward/fastify': `import Fastify from 'fastify'; import { apiKeyAuth } from '@keyward/fastify';
    Fastify().register(apiKeyAuth, { store: { findByHash: async () => null } }).listen({ port: 3000 });`,
  '@keyward/koa': `import Koa from 'koa'; import { apiKeyAuth } from '@keyward/koa';
    new Koa().use(apiKeyAuth({ store: { findByHash: async () => null } })).listen(3000);`,
  '@keyward/client': `import { createClient } from '@keyward/client';
    console.log(await createClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.KEY }).keys.list());`,
  '@keyward/core (MemoryKeyStore)': `import { createAuthenticator, MemoryKeyStore } from '@keyward/core';
    console.log(await createAuthenticator({ store: new MemoryKeyStore() }).authenticate({}));`,
};

/** The package a bundled input file belongs to: `zod`, `undici`, or `keyward` for our own. */
function packageOf(input) {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (!match) return 'keyward';
  return match[1].startsWith('@keyward/') ? 'keyward' : match[1];
}

async function bundles() {
  console.log('\n## Bundles (esbuild, minified, node, framework external)\n');
  console.log('| app | bundle | zod | largest others |');
  console.log('| --- | ---: | ---: | --- |');
  for (const [name, source] of Object.entries(APPS)) {
    const result = await esbuild.build({
      stdin: { contents: source, resolveDir: import.meta.dirname, loader: 'js' },
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['express', 'fastify', 'koa'],
      metafile: true,
      write: false,
      outfile: 'app.js',
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile.outputs)[0];
    const byPackage = new Map();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const owner = packageOf(input);
      byPackage.set(owner, (byPackage.get(owner) ?? 0) + bytesInOutput);
    }
    const zod = byPackage.get('zod') ?? 0;
    const others = [...byPackage]
      .filter(([owner]) => owner !== 'zod')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([owner, bytes]) => `${owner} ${kb(bytes)}`)
      .join(', ');
    console.log(`| ${name} | ${kb(output.bytes)} | ${kb(zod)} | ${others} |`);
  }
}

function folderBytes(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

function installs() {
  console.log('\n## Install size (npm, from packed tarballs, peers left out)\n');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-footprint-'));
  try {
    const tarballs = new Map();
    const manifests = new Map();
    for (const dir of fs.readdirSync(path.join(root, 'packages')).sort()) {
      const pkgDir = path.join(root, 'packages', dir);
      const manifestPath = path.join(pkgDir, 'package.json');
      if (!fs.existsSync(manifestPath)) continue;
      const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
      if (manifest.private) continue;
      const before = new Set(fs.readdirSync(work));
      execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: pkgDir, stdio: 'ignore' });
      const tarball = fs.readdirSync(work).find((f) => !before.has(f) && f.endsWith('.tgz'));
      tarballs.set(manifest.name, path.join(work, tarball));
      manifests.set(manifest.name, manifest);
    }
    // A package's own @keyward dependencies, transitively, so npm takes them from the tarballs.
    const withLocal = (name, seen = new Set()) => {
      if (seen.has(name)) return seen;
      seen.add(name);
      for (const dep of Object.keys(manifests.get(name).dependencies ?? {})) {
        if (tarballs.has(dep)) withLocal(dep, seen);
      }
      return seen;
    };
    console.log('| package | installed | packages | biggest |');
    console.log('| --- | ---: | ---: | --- |');
    for (const name of tarballs.keys()) {
      const target = path.join(work, `install-${name.replace('/', '+')}`);
      fs.mkdirSync(target);
      fs.writeFileSync(path.join(target, 'package.json'), '{"name":"footprint","private":true}\n');
      execFileSync(
        'npm',
        [
          'install',
          '--omit=peer',
          '--no-audit',
          '--no-fund',
          '--no-package-lock',
          ...[...withLocal(name)].map((n) => tarballs.get(n)),
        ],
        { cwd: target, stdio: 'ignore' },
      );
      const modules = path.join(target, 'node_modules');
      const sizes = [];
      for (const entry of fs.readdirSync(modules)) {
        if (entry.startsWith('.')) continue;
        const names = entry.startsWith('@')
          ? fs.readdirSync(path.join(modules, entry)).map((n) => `${entry}/${n}`)
          : [entry];
        for (const n of names) sizes.push([n, folderBytes(path.join(modules, n))]);
      }
      sizes.sort((a, b) => b[1] - a[1]);
      const total = folderBytes(modules);
      const biggest = sizes
        .slice(0, 3)
        .map(([n, bytes]) => `${n} ${mb(bytes)}`)
        .join(', ');
      console.log(`| ${name} | ${mb(total)} | ${sizes.length} | ${biggest} |`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

async function idleServer(label, env, dataDir) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [path.join(root, 'apps/server/dist/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      KEYWARD_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const started = Date.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${label}: the server exited with ${child.exitCode}`);
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {}
      if (Date.now() - started > 180_000) throw new Error(`${label}: the server did not start in 3 minutes`);
      await sleep(200);
    }
    const startup = Date.now() - started;
    // The development key (on when NODE_ENV is unset), so the requests reach the database.
    const key = DEV_API_KEY;
    for (let i = 0; i < 5; i++) {
      await (await fetch(`${base}/v1/me`, { headers: { 'x-api-key': key } })).arrayBuffer();
      await (await fetch(`${base}/v1/secrets/api/keys`, { headers: { 'x-api-key': key } })).arrayBuffer();
    }
    await sleep(5000);
    const { rss, peak } = memoryOf(child.pid);
    console.log(`| ${label} | ${mb(rss)} | ${mb(peak)} | ${(startup / 1000).toFixed(1)} s |`);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}

async function rss() {
  console.log('\n## Reference server, idle after start and 10 requests (Linux /proc)\n');
  console.log('| database | idle RSS | peak RSS | start |');
  console.log('| --- | ---: | ---: | ---: |');
  // The first start creates the database (initdb); a restart opens the one already there.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-footprint-data-'));
  try {
    await idleServer('embedded (PGlite), first start', { DATABASE_URL: '' }, dataDir);
    await idleServer('embedded (PGlite), restart', { DATABASE_URL: '' }, dataDir);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const url = process.env.DATABASE_URL;
  if (url) {
    // A database of its own, dropped afterwards, so the server's tables land nowhere else.
    const name = `keyward_footprint_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      const own = new URL(url);
      own.pathname = `/${name}`;
      await idleServer('PostgreSQL server', { DATABASE_URL: own.href });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  } else console.log('(PostgreSQL row left out: set DATABASE_URL)');
}

if (wants('bundles')) await bundles();
if (wants('installs')) installs();
if (wants('rss')) await rss();
