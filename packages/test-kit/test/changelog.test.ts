// The changelog lines `changeset version` writes (.changeset/changelog.cjs): every change links
// to its commit on GitHub, without asking GitHub anything.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface Changeset {
  summary: string;
  commit?: string;
}
const changelog = createRequire(import.meta.url)('../../../.changeset/changelog.cjs') as {
  getReleaseLine(changeset: Changeset, type: string, options: unknown): Promise<string>;
  getDependencyReleaseLine(
    changesets: Changeset[],
    dependencies: { name: string; newVersion: string }[],
    options: unknown,
  ): Promise<string>;
};
const config = JSON.parse(readFileSync(new URL('../../../.changeset/config.json', import.meta.url), 'utf8')) as {
  changelog: [string, unknown];
};
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

describe('.changeset/changelog.cjs', () => {
  it('is the changelog config.json names, for the repository every package.json names', () => {
    expect(config.changelog).toEqual(['./changelog.cjs', { repo: 'keyward/keyward' }]);
  });

  it('links each change to the commit that added its changeset', async () => {
    const line = await changelog.getReleaseLine(
      { summary: 'Fix the thing.\n\nMore words.\n', commit: COMMIT },
      'patch',
      config.changelog[1],
    );
    expect(line).toBe(
      `- [\`0123456\`](https://github.com/keyward/keyward/commit/${COMMIT}): Fix the thing.\n  \n  More words.`,
    );
    expect(await changelog.getReleaseLine({ summary: 'Uncommitted.' }, 'patch', config.changelog[1])).toBe(
      '- Uncommitted.',
    );
  });

  it('lists updated dependencies with the commits that caused them', async () => {
    const line = await changelog.getDependencyReleaseLine(
      [{ summary: 'x', commit: COMMIT }],
      [{ name: '@keyward/core', newVersion: '1.2.3' }],
      config.changelog[1],
    );
    expect(line).toBe(
      `- Updated dependencies [\`0123456\`](https://github.com/keyward/keyward/commit/${COMMIT})\n  - @keyward/core@1.2.3`,
    );
    expect(await changelog.getDependencyReleaseLine([], [], config.changelog[1])).toBe('');
  });

  it('refuses to write links without the repository', async () => {
    await expect(changelog.getReleaseLine({ summary: 'x', commit: COMMIT }, 'patch', undefined)).rejects.toThrow(
      '.changeset/changelog.cjs: options.repo must be "owner/name", as in config.json',
    );
  });
});
