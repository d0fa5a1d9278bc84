import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from '../log/logger.js';
import { applyStates } from './apply.js';
import { formatRenderLocation, renderFailureLocation, stateIdAtLine } from './render_location.js';
import { caseFiles, caseLoader } from './_replay.js';

test('stateIdAtLine finds the top-level key a line belongs to, skipping Jinja and include lines', () => {
  const text = "include:\n  - other\n{% set v = 1 %}\nfirst:\n  test.nop: []\n'quoted id':\n  test.nop:\n    - name: x\n";
  assert.equal(stateIdAtLine(text, 2), undefined);
  assert.equal(stateIdAtLine(text, 5), 'first');
  assert.equal(stateIdAtLine(text, 8), 'quoted id');
});

test('renderFailureLocation names the SLS file, its line and state ID, but no ID for a line in another file', () => {
  const sls = { source: 'web/init.sls', path: '/srv/salt/web/init.sls', text: 'a:\n  test.nop:\n    - name: {{ x }}\n' };
  assert.deepEqual(renderFailureLocation({ line: 3, file: 'web/init.sls' }, sls), { file: '/srv/salt/web/init.sls', line: 3, id: 'a' });
  assert.deepEqual(renderFailureLocation({ line: 2, file: 'lib/macros.jinja' }, sls), { file: 'lib/macros.jinja', line: 2 });
  assert.deepEqual(renderFailureLocation(new Error('x'), sls), { file: '/srv/salt/web/init.sls' });
  assert.equal(formatRenderLocation({ file: '/srv/salt/x.sls', line: 4, id: 'foo' }), '(file /srv/salt/x.sls, line 4, state ID foo)');
});

/** A logger that keeps its lines. */
function recordingLogger(lines: string[]): Logger {
  const rec = (level: string) => (msg: string) => void lines.push(`${level}: ${msg}`);
  const log: Logger = { trace: rec('trace'), debug: rec('debug'), info: rec('info'), warn: rec('warning'), error: rec('error'), critical: rec('critical'), child: () => log };
  return log;
}

test('a YAML error keeps Salt\'s line-less errors text and logs the file, line and state ID', async () => {
  const lines: string[] = [];
  const caller = { ...caseLoader().makeContext(), log: recordingLogger(lines) };
  // The SLS of the corpus case render-yaml-mapping-values-error, one state in front.
  const sls = 'good:\n  test.nop: []\nbad:\n  test.nop:\n    - name: a: b\n';
  const out = await applyStates({ mods: ['main'], fileClient: caseFiles({ base: { 'main.sls': sls } }), caller });
  assert.deepEqual(out, { errors: ["Rendering SLS 'base:main' failed: mapping values are not allowed in this context"], retcode: 1 });
  assert.ok(lines.includes("critical: Rendering SLS 'base:main' failed: mapping values are not allowed in this context"), lines.join('\n'));
  assert.ok(lines.includes("error: Rendering SLS 'base:main' failed at (file main.sls, line 5, state ID bad)"), lines.join('\n'));
});

test('a Jinja undefined variable is located in the SLS with its state ID', async () => {
  const lines: string[] = [];
  const caller = { ...caseLoader().makeContext(), log: recordingLogger(lines) };
  const sls = 'a:\n  test.nop: []\nb:\n  test.nop:\n    - name: {{ nope }}\n';
  const out = await applyStates({ mods: ['main'], fileClient: caseFiles({ base: { 'main.sls': sls } }), caller });
  assert.ok('errors' in out && String(out.errors[0]).startsWith("Rendering SLS 'base:main' failed: Jinja variable 'nope' is undefined; line 5"));
  assert.ok(lines.includes("error: Rendering SLS 'base:main' failed at (file main.sls, line 5, state ID b)"), lines.join('\n'));
});
