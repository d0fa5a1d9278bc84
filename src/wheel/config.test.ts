import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WheelClient } from '../client/wheel_client.js';
import { testMaster } from '../runners/_testing.js';

test('config.values reads the master config file again', async () => {
  const m = testMaster();
  try {
    mkdirSync(join(m.root, 'etc'), { recursive: true });
    const file = join(m.root, 'etc', 'master');
    writeFileSync(file, `root_dir: ${m.root}\ntimeout: 42\n`);
    const wheel = new WheelClient({ ...m.opts, conf_file: file }, { fireEvent: async () => undefined, storeJob: false });
    const values = (await wheel.cmd('config.values')) as Record<string, unknown>;
    assert.equal(values.timeout, 42);
    assert.equal(values.conf_file, file);
  } finally {
    m.cleanup();
  }
});
