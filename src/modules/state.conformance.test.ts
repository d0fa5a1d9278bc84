/** Replays state/highstate.json through the `state` execution module (top files, show_*, apply). */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { loadCases } from '../../test/support/conformance.js';
import { caseLoader, assertStatesEqual } from '../state/_replay.js';
import type { StateReturn } from '../state/types.js';

interface Input {
  files: Record<string, Record<string, string>>;
  grains: Record<string, unknown>;
  pillar: Record<string, unknown>;
  minion_id: string;
  opts?: Record<string, unknown>;
  extra_args?: string[];
}

/** Cases that cannot pass yet, with the reason. */
const EXCLUDED: Record<string, string | undefined> = {
};

const tmp = mkdtempSync(join(tmpdir(), 'salt-ts-hs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const COMMANDS = ['state.show_top', 'state.show_states', 'state.show_highstate', 'state.show_lowstate', 'state.apply'];

for (const c of loadCases<Input>('state', 'highstate.json')) {
  test(`${c.id}: ${c.what}`, { skip: EXCLUDED[c.id] }, async () => {
    const root = join(tmp, c.id);
    const fileRoots: Record<string, string[]> = {};
    for (const [env, files] of Object.entries(c.input.files)) {
      fileRoots[env] = [join(root, env)];
      mkdirSync(join(root, env), { recursive: true });
      for (const [rel, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, env, rel)), { recursive: true });
        writeFileSync(join(root, env, rel), text);
      }
    }
    const loader = caseLoader(
      { ...(c.input.opts ?? {}), id: c.input.minion_id, file_client: 'local', file_roots: fileRoots },
      c.input.grains,
      c.input.pillar,
    );
    const kwargs: Record<string, unknown> = {};
    for (const a of c.input.extra_args ?? []) {
      const eq = a.indexOf('=');
      kwargs[a.slice(0, eq)] = a.slice(eq + 1);
    }
    for (const cmd of COMMANDS) {
      const exp = c.expected[cmd];
      const context: Record<string, unknown> = {};
      const ctx = loader.makeContext({ context });
      const ret = await loader.call(cmd, [], kwargs, ctx);
      const retcode = Number(context.retcode ?? 0);
      assert.equal(retcode, exp.retcode, `${cmd} retcode`);
      if (cmd === 'state.apply') {
        if ('errors' in exp) assert.deepEqual(ret, exp.errors, cmd);
        else assertStatesEqual(ret as StateReturn, exp.states);
      } else {
        assert.deepEqual(JSON.parse(JSON.stringify(ret)), exp.return, cmd);
      }
    }
  });
}
