import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { applyStates } from '../state/apply.js';
import { caseFiles, caseLoader } from '../state/_replay.js';

const dir = mkdtempSync(join(tmpdir(), 'salt-ts-filestate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function apply(sls: string): Promise<Record<string, any>> {
  const out = await applyStates({ mods: ['main'], fileClient: caseFiles({ base: { 'main.sls': sls } }), caller: caseLoader().makeContext() });
  assert.ok('states' in out, JSON.stringify(out));
  return Object.values(out.states)[0] as Record<string, any>;
}

test('file.exists and file.missing check a path without changing it', async () => {
  const here = join(dir, 'here');
  const gone = join(dir, 'gone');
  writeFileSync(here, '');
  const r = async (fun: string, path: string) => {
    const x = await apply(`c:\n  file.${fun}:\n    - name: ${path}\n`);
    return [x.result, x.comment, x.changes];
  };
  assert.deepEqual(await r('exists', here), [true, `Path ${here} exists`, {}]);
  assert.deepEqual(await r('exists', gone), [false, `Specified path ${gone} does not exist`, {}]);
  assert.deepEqual(await r('missing', gone), [true, `Path ${gone} is missing`, {}]);
  assert.deepEqual(await r('missing', here), [false, `Specified path ${here} exists`, {}]);
});
