// A client generated from the OpenAPI document must agree with @keyward/client: openapi-typescript
// turns the document into types (test/openapi-types/generated, git-ignored), and tsc compiles
// test/openapi-types/client-types.ts, which asserts each response body is exactly the client's
// type, against them and the built client. Needs `pnpm build` first, as CI runs it.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/openapi.js';
import { SERVER_OPERATIONS } from '../src/routes/index.js';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const project = fileURLToPath(new URL('./openapi-types/tsconfig.json', import.meta.url));
const generated = new URL('./openapi-types/generated/', import.meta.url);

async function writeTypes(document: object): Promise<void> {
  mkdirSync(generated, { recursive: true });
  const types = astToString(await openapiTS(JSON.parse(JSON.stringify(document))));
  writeFileSync(new URL('openapi.ts', generated), types);
}

async function compile(): Promise<string> {
  return promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', project]).then(
    () => '',
    (err: { stdout: string }) => err.stdout || 'tsc failed without output',
  );
}

describe('a client generated from the OpenAPI document', () => {
  const document = buildOpenApiDocument(SERVER_OPERATIONS) as unknown as {
    components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> };
  };

  it("has exactly @keyward/client's response types", async () => {
    await writeTypes(document);
    expect(await compile()).toBe('');
  }, 120_000);

  it('fails that check when the document renames a field', async () => {
    const renamed = structuredClone(document);
    const apiKey = renamed.components.schemas.ApiKey;
    expect(apiKey?.properties.display_id).toBeDefined();
    if (apiKey === undefined) return;
    apiKey.properties.display_key = apiKey.properties.display_id;
    delete apiKey.properties.display_id;
    apiKey.required = apiKey.required.map((name) => (name === 'display_id' ? 'display_key' : name));
    try {
      await writeTypes(renamed);
      expect(await compile()).toMatch(/client-types\.ts\(\d+,\d+\): error TS2344/);
    } finally {
      await writeTypes(document);
    }
  }, 120_000);
});
