import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWhich, runCommand, searchPath, which } from './_exec.js';

test('runCommand() captures right-stripped stdout and the exit status', async () => {
  assert.deepEqual(await runCommand(['sh', '-c', 'echo hi; echo err >&2; exit 3']), { stdout: 'hi', stderr: 'err\n', retcode: 3 });
});

test('runCommand() gives 127 for a missing program and -1 after the timeout', async () => {
  assert.equal((await runCommand(['/nonexistent/program'])).retcode, 127);
  assert.equal((await runCommand(['sleep', '5'], 50)).retcode, -1);
});

test('which() finds programs in PATH and the system directories, and null otherwise', async () => {
  assert.equal(await which('sh', '/nonexistent'), '/bin/sh');
  assert.equal(await which('no-such-program-here'), null);
  assert.equal(await which('/bin/sh'), '/bin/sh');
  assert.equal(await which(''), null);
  const w = createWhich('/usr/bin');
  assert.equal(await w('env'), '/usr/bin/env');
});

test('searchPath() appends the missing system directories after PATH', () => {
  assert.deepEqual(searchPath('/opt/bin:/usr/bin'), ['/opt/bin', '/usr/bin', '/sbin', '/bin', '/usr/sbin', '/usr/local/sbin', '/usr/local/bin']);
});
