// The attack as it was reported: one key rotated many times at once through the API, with a
// grace period, on one instance or spread over two sharing a PostgreSQL database. Each 201 would
// be one more working key; exactly one may be answered 201, every other 409 conflict.
import { attempts } from '@keyward/test-kit/reliability';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/create-app.js';
import { adminKeyIn } from '../api-suite.js';
import { body, createKeyVia, errorCode, memoryStore, postgresStore, type StoreFactory, withKey } from '../helpers.js';

const RACERS = 20;

function describeRace(name: string, makeStore: StoreFactory, instances: 1 | 2): void {
  describe(`rotations of one key at once through the API on ${name}`, () => {
    let handle: Awaited<ReturnType<StoreFactory>>;
    const apps: FastifyInstance[] = [];

    beforeAll(async () => {
      handle = await makeStore();
      if (handle === null) return;
      apps.push(createApp({ storage: handle.storage, failureLimit: false }));
      if (instances === 2) {
        if (!handle.reopen) throw new Error(`${name} cannot open a second instance`);
        apps.push(createApp({ storage: await handle.reopen(), failureLimit: false }));
      }
      await Promise.all(apps.map((app) => app.ready()));
    }, 60_000);
    afterAll(async () => {
      for (const app of apps) await app.close();
      await handle?.close();
    });

    it('answers one 201 and a 409 conflict to every other, leaving one successor', async (ctx) => {
      if (handle === null) return ctx.skip();
      const admin = await adminKeyIn(handle.store);
      for (let round = 0; round < attempts(2, 20); round++) {
        const target = await createKeyVia(apps[0]!, admin.key, { name: `raced ${round}` });
        const answers = await Promise.all(
          Array.from({ length: RACERS }, (_, i) =>
            apps[i % apps.length]!.inject({
              method: 'POST',
              url: `/v1/secrets/api/keys/${target.id}/rotate`,
              headers: withKey(admin.key),
              payload: { grace_period_seconds: 3600 },
            }),
          ),
        );
        const statuses = answers.map((res) => `${res.statusCode} ${res.statusCode === 201 ? '' : errorCode(res)}`);
        expect(statuses.filter((s) => s === '201 ').length, statuses.join(', ')).toBe(1);
        expect(statuses.filter((s) => s === '409 conflict').length, statuses.join(', ')).toBe(RACERS - 1);
        const winner = body<{ api_key: string; secret: { id: string } }>(answers.find((r) => r.statusCode === 201)!);
        const listed = body<{ items: Array<{ id: string; name: string }> }>(
          await apps[0]!.inject({ url: '/v1/secrets/api/keys?limit=100', headers: withKey(admin.key) }),
        ).items.filter((k) => k.name === `raced ${round}`);
        expect(listed.map((k) => k.id).sort()).toEqual([target.id, winner.secret.id].sort());
        // The old key works through its grace, the one successor too.
        for (const key of [target.key, winner.api_key]) {
          expect((await apps[apps.length - 1]!.inject({ url: '/v1/me', headers: withKey(key) })).statusCode).toBe(200);
        }
      }
    }, 60_000);
  });
}

describeRace('the memory store', memoryStore, 1);
describeRace('PostgreSQL, two instances', postgresStore, 2);
