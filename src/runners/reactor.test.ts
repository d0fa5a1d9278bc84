// `salt-run reactor.list` through the runner table (the runner itself is src/reactor/runner.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testMaster } from './_testing.js';

test('reactor.list gives the configured reactor list', async () => {
  const m = testMaster({ reactor: [{ 'salt/minion/*/start': ['/srv/reactor/start.sls'] }] });
  try {
    assert.deepEqual(await m.call('reactor.list'), [{ 'salt/minion/*/start': ['/srv/reactor/start.sls'] }]);
  } finally {
    m.cleanup();
  }
});

test('reactor.list reads a reactor map file named by the reactor option', async () => {
  const m = testMaster();
  try {
    const file = join(m.root, 'reactor.yaml');
    writeFileSync(file, "- 'my/tag':\n  - /srv/reactor/a.sls\n");
    m.opts.reactor = file;
    assert.deepEqual(await m.call('reactor.list'), [{ 'my/tag': ['/srv/reactor/a.sls'] }]);
  } finally {
    m.cleanup();
  }
});

test('reactor.list without reactors fails with "Reactor system is not running."', async () => {
  const m = testMaster({ reactor: [] });
  try {
    const data = (await m.client().cmd('reactor.list', [], {}, { printEvent: false, fullReturn: true })) as Record<string, unknown>;
    assert.match(String(data.return), /^Exception occurred in runner reactor\.list: Traceback[\s\S]*CommandExecutionError: Reactor system is not running\.\n$/);
    assert.equal(data.success, false);
  } finally {
    m.cleanup();
  }
});
