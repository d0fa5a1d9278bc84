/** Replays state/file_managed.json: file states against a real scratch directory, run after run. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { loadCases } from '../../test/support/conformance.js';
import { applyStates } from '../state/apply.js';
import { assertStatesEqual, caseFiles, caseLoader } from '../state/_replay.js';

interface PreEntry {
  type: 'file' | 'dir' | 'symlink';
  content?: string;
  mode?: string;
  target?: string;
}
interface Input {
  files: Record<string, Record<string, string>>;
  pre_existing?: Record<string, PreEntry>;
  runs: Array<{ sls: string; test: boolean }>;
  pillar?: Record<string, unknown>;
}

/** Cases that cannot pass yet, with the reason. */
const EXCLUDED: Record<string, string | undefined> = {
};

const tmp = mkdtempSync(join(tmpdir(), 'salt-ts-file-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tree(root: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const visit = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, r));
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isSymbolicLink()) out[r] = { type: 'symlink', target: readlinkSync(join(root, r)) };
      else if (st.isDirectory()) {
        out[r] = { type: 'dir', mode };
        visit(r);
      } else out[r] = { type: 'file', mode, content: readFileSync(join(root, r), 'utf8') };
    }
  };
  visit('');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** `changes.removed` of file.directory comes from a set in Salt: compare it sorted. */
function sortRemoved(states: Record<string, any>): Record<string, any> {
  for (const r of Object.values(states)) if (Array.isArray(r?.changes?.removed)) r.changes.removed = [...r.changes.removed].sort();
  return states;
}

let n = 0;
for (const c of loadCases<Input>('state', 'file_managed.json')) {
  test(`${c.id}: ${c.what}`, { skip: EXCLUDED[c.id] }, async () => {
    const scratch = join(tmp, `s${n++}`);
    mkdirSync(scratch, { mode: 0o755 });
    const sub = (s: string) => s.split('{{SCRATCH}}').join(scratch);
    const unsub = (s: string) => s.split(scratch).join('{{SCRATCH}}');
    const files: Record<string, Record<string, string>> = {};
    for (const [env, fs] of Object.entries(c.input.files)) {
      files[env] = Object.fromEntries(Object.entries(fs).map(([k, v]) => [k, sub(v)]));
    }
    for (const [rel, e] of Object.entries(c.input.pre_existing ?? {})) {
      const path = join(scratch, sub(rel));
      mkdirSync(dirname(path), { recursive: true });
      if (e.type === 'dir') {
        mkdirSync(path, { recursive: true });
        chmodSync(path, Number.parseInt(e.mode ?? '0755', 8));
      } else if (e.type === 'file') {
        writeFileSync(path, sub(e.content ?? ''));
        chmodSync(path, Number.parseInt(e.mode ?? '0644', 8));
      } else symlinkSync(sub(e.target ?? ''), path);
    }
    const loader = caseLoader({}, { id: 'conformance-minion' }, c.input.pillar ?? {});
    for (const [i, run] of c.input.runs.entries()) {
      const exp = c.expected.runs[i];
      const out = await applyStates({ mods: [run.sls], saltenv: 'base', test: run.test, fileClient: caseFiles(files), caller: loader.makeContext() });
      assert.equal(out.retcode, exp.retcode, `run ${i} retcode: ${JSON.stringify(out)}`);
      if ('errors' in exp) assert.deepEqual('errors' in out ? out.errors.map(unsub) : out, exp.errors);
      else {
        assert.ok('states' in out);
        assertStatesEqual(sortRemoved(out.states), sortRemoved(structuredClone(exp.states)), unsub);
      }
      assert.deepEqual(JSON.parse(unsub(JSON.stringify(tree(scratch)))), exp.tree_after, `run ${i} tree`);
    }
  });
}
