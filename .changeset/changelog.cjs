// The changelog lines `changeset version` writes: each change links to the commit that added its
// changeset on GitHub. Unlike @changesets/changelog-github it asks GitHub nothing (no token, no
// network): the commit comes from the local git history, which changesets reads itself.
'use strict';

/** `owner/name` from the options in config.json; a release without it would write dead links. */
function repoOf(options) {
  const repo = options?.repo;
  if (typeof repo !== 'string' || !/^[\w.-]+\/[\w.-]+$/.test(repo)) {
    throw new Error('.changeset/changelog.cjs: options.repo must be "owner/name", as in config.json');
  }
  return repo;
}

function commitLink(repo, commit) {
  return commit ? `[\`${commit.slice(0, 7)}\`](https://github.com/${repo}/commit/${commit})` : '';
}

async function getReleaseLine(changeset, _type, options) {
  const repo = repoOf(options);
  const [firstLine, ...rest] = changeset.summary
    .trim()
    .split('\n')
    .map((line) => line.trimEnd());
  const link = commitLink(repo, changeset.commit);
  const head = `- ${link ? `${link}: ` : ''}${firstLine}`;
  return rest.length === 0 ? head : `${head}\n${rest.map((line) => `  ${line}`).join('\n')}`;
}

async function getDependencyReleaseLine(changesets, dependenciesUpdated, options) {
  if (dependenciesUpdated.length === 0) return '';
  const repo = repoOf(options);
  const links = changesets.map((changeset) => commitLink(repo, changeset.commit)).filter(Boolean);
  return [
    `- Updated dependencies${links.length === 0 ? '' : ` ${links.join(', ')}`}`,
    ...dependenciesUpdated.map((dependency) => `  - ${dependency.name}@${dependency.newVersion}`),
  ].join('\n');
}

module.exports = { getReleaseLine, getDependencyReleaseLine };
