import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { applyStates } from '../state/apply.js';
import { caseFiles, caseLoader } from '../state/_replay.js';

const dir = mkdtempSync(join(tmpdir(), 'salt-ts-host-'));
const hostsFile = join(dir, 'hosts');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Applies one SLS against the scratch hosts file and returns the results by tag. */
async function apply(sls: string, test = false): Promise<Record<string, any>> {
  const out = await applyStates({
    mods: ['main'],
    test,
    fileClient: caseFiles({ base: { 'main.sls': sls } }),
    caller: caseLoader({ 'hosts.file': hostsFile }).makeContext(),
  });
  assert.ok('states' in out, JSON.stringify(out));
  return out.states as Record<string, any>;
}

test('host.present adds an alias once, predicts in test mode, then reports it present', async () => {
  writeFileSync(hostsFile, '# static table\n127.0.0.1\tlocalhost\n');
  const sls = 'web.example:\n  host.present:\n    - ip: 10.1.2.3\n';
  const tag = 'host_|-web.example_|-web.example_|-present';
  const dry = (await apply(sls, true))[tag];
  assert.equal(dry.result, null);
  assert.equal(dry.comment, 'Host web.example (10.1.2.3) would be added');
  assert.deepEqual(dry.changes, { added: { '10.1.2.3': ['web.example'] } });
  assert.equal(readFileSync(hostsFile, 'utf8'), '# static table\n127.0.0.1\tlocalhost\n', 'test mode writes nothing');
  const first = (await apply(sls))[tag];
  assert.equal(first.result, true);
  assert.equal(first.comment, 'Added host web.example (10.1.2.3)');
  assert.deepEqual(first.changes, { added: { '10.1.2.3': ['web.example'] } });
  assert.equal(readFileSync(hostsFile, 'utf8'), '# static table\n127.0.0.1\t\tlocalhost\n10.1.2.3\t\tweb.example\n');
  const second = (await apply(sls))[tag];
  assert.equal(second.result, true);
  assert.equal(second.comment, 'Host web.example (10.1.2.3) already present');
  assert.deepEqual(second.changes, {});
});

test('host.present with clean moves a name from another address', async () => {
  writeFileSync(hostsFile, '10.0.0.1\tdb.example other\n');
  const states = await apply('db.example:\n  host.present:\n    - ip: [10.0.0.2]\n    - clean: true\n');
  const r = states['host_|-db.example_|-db.example_|-present'];
  assert.equal(r.comment, 'Added host db.example (10.0.0.2)\nRemoved host db.example (10.0.0.1)');
  assert.deepEqual(r.changes, { added: { '10.0.0.2': ['db.example'] }, removed: { '10.0.0.1': ['db.example'] } });
  assert.equal(readFileSync(hostsFile, 'utf8'), '10.0.0.1\t\tother \n10.0.0.2\t\tdb.example\n');
});

test('host.absent removes the pair once, then says it is already absent', async () => {
  writeFileSync(hostsFile, '10.0.0.5\tgone.example keep.example\n');
  const sls = 'gone.example:\n  host.absent:\n    - ip: 10.0.0.5\n';
  const tag = 'host_|-gone.example_|-gone.example_|-absent';
  const dry = (await apply(sls, true))[tag];
  assert.equal(dry.result, null);
  assert.equal(dry.comment, 'Host gone.example (10.0.0.5) needs to be removed');
  const first = (await apply(sls))[tag];
  assert.deepEqual([first.result, first.comment, first.changes], [true, 'Removed host gone.example (10.0.0.5)', { host: 'gone.example' }]);
  const second = (await apply(sls))[tag];
  assert.deepEqual([second.result, second.comment, second.changes], [true, 'Host gone.example (10.0.0.5) already absent', {}]);
});

test('host.only sets exactly the given names for an address', async () => {
  writeFileSync(hostsFile, '10.0.0.9\ta b\n');
  const sls = '10.0.0.9:\n  host.only:\n    - hostnames: [c, d]\n';
  const tag = 'host_|-10.0.0.9_|-10.0.0.9_|-only';
  const dry = (await apply(sls, true))[tag];
  assert.deepEqual([dry.result, dry.comment], [null, 'Would change 10.0.0.9 from "a b" to "c d"']);
  const first = (await apply(sls))[tag];
  assert.deepEqual([first.result, first.comment, first.changes], [true, 'successfully changed 10.0.0.9 from "a b" to "c d"', { '10.0.0.9': { old: 'a b', new: 'c d' } }]);
  assert.equal(readFileSync(hostsFile, 'utf8'), '10.0.0.9\t\tc d\n');
  const second = (await apply(sls))[tag];
  assert.deepEqual([second.result, second.comment, second.changes], [true, 'IP address 10.0.0.9 already set to "c d"', {}]);
});
