import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyStates } from '../state/apply.js';
import { caseFiles, caseLoader } from '../state/_replay.js';
import { aptSourcePaths, parseSourceLine } from './pkgrepo.js';

const dir = mkdtempSync(join(tmpdir(), 'salt-ts-pkgrepo-'));
const saved = { ...aptSourcePaths };
before(() => {
  aptSourcePaths.list = join(dir, 'sources.list');
  aptSourcePaths.dir = join(dir, 'sources.list.d');
  mkdirSync(aptSourcePaths.dir);
  writeFileSync(aptSourcePaths.list, 'deb http://deb.debian.org/debian bookworm main\n');
});
after(() => {
  Object.assign(aptSourcePaths, saved);
  rmSync(dir, { recursive: true, force: true });
});

async function apply(sls: string, test = false): Promise<Record<string, any>> {
  const out = await applyStates({ mods: ['main'], test, fileClient: caseFiles({ base: { 'main.sls': sls } }), caller: caseLoader().makeContext() });
  assert.ok('states' in out, JSON.stringify(out));
  return Object.values(out.states)[0] as Record<string, any>;
}

const REPO = 'deb [arch=amd64] http://repo.example.invalid/debian bookworm main contrib';

test('parseSourceLine reads type, options, uri, dist and components', () => {
  assert.deepEqual(parseSourceLine(`# ${REPO}`), {
    disabled: true, type: 'deb', options: ['arch=amd64'], uri: 'http://repo.example.invalid/debian', dist: 'bookworm', comps: ['main', 'contrib'], line: REPO,
  });
  assert.equal(parseSourceLine('just a comment'), null);
});

test('pkgrepo.managed writes the repo file once, pkgrepo.absent removes it', async () => {
  const file = join(aptSourcePaths.dir, 'example.list');
  const sls = `r:\n  pkgrepo.managed:\n    - name: ${REPO}\n    - file: ${file}\n    - refresh: false\n`;
  const dry = await apply(sls, true);
  assert.equal(dry.result, null);
  assert.match(dry.comment, new RegExp(`^Package repo '${REPO.replace(/[[\]]/g, '\\$&')}' would be configured\\.`));
  assert.deepEqual(dry.changes, { repo: REPO });
  assert.equal(existsSync(file), false);

  const first = await apply(sls);
  assert.deepEqual([first.result, first.comment, first.changes], [true, `Configured package repo '${REPO}'`, { repo: REPO }]);
  assert.equal(readFileSync(file, 'utf8'), 'deb [arch=amd64] http://repo.example.invalid/debian bookworm contrib main\n');
  const second = await apply(sls);
  assert.deepEqual([second.result, second.comment, second.changes], [true, `Package repo '${REPO}' already configured`, {}]);

  const disabled = await apply(`${sls}    - disabled: true\n`);
  assert.deepEqual(disabled.changes, { disabled: { new: true, old: false } });
  assert.match(readFileSync(file, 'utf8'), /^# deb /);

  const absent = `r:\n  pkgrepo.absent:\n    - name: ${REPO}\n`;
  assert.equal((await apply(absent, true)).result, null);
  const removed = await apply(absent);
  assert.deepEqual([removed.result, removed.comment, removed.changes], [true, `Removed repo ${REPO}`, { repo: REPO }]);
  assert.equal(existsSync(file), false, 'an emptied sources.list.d file is deleted');
  const again = await apply(absent);
  assert.deepEqual([again.result, again.comment], [true, `Package repo ${REPO} is absent`]);
  assert.equal(readFileSync(aptSourcePaths.list, 'utf8'), 'deb http://deb.debian.org/debian bookworm main\n', 'other repos untouched');
});
