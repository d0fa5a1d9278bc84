import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { parseHosts } from './hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'salt-ts-hosts-'));
const file = join(dir, 'hosts');
after(() => rmSync(dir, { recursive: true, force: true }));
const loader = new Loader({ opts: { id: 'm1', 'hosts.file': file } });
const call = (fun: string, args: unknown[] = []) => loader.call(fun, args, {});

test('parseHosts keeps comment lines and trailing comments, merging repeated addresses', () => {
  const h = parseHosts('# top\n127.0.0.1 localhost\n10.0.0.1 a b # web\n10.0.0.1 c\n');
  assert.deepEqual([...h.entries()], [
    ['comment-0', ['# top']],
    ['127.0.0.1', { aliases: ['localhost'] }],
    ['10.0.0.1', { aliases: ['a', 'b', 'c'], comment: 'web' }],
  ]);
});

test('hosts.list_hosts, get_ip, get_alias and has_pair read the hosts.file option', async () => {
  writeFileSync(file, '# top\n127.0.0.1 localhost\n10.0.0.1 a b # web\n');
  assert.deepEqual(await call('hosts.list_hosts'), {
    'comment-0': ['# top'],
    '127.0.0.1': { aliases: ['localhost'] },
    '10.0.0.1': { aliases: ['a', 'b'], comment: 'web' },
  });
  assert.equal(await call('hosts.get_ip', ['b']), '10.0.0.1');
  assert.equal(await call('hosts.get_ip', ['nope']), '');
  assert.deepEqual(await call('hosts.get_alias', ['10.0.0.1']), ['a', 'b']);
  assert.equal(await call('hosts.has_pair', ['10.0.0.1', 'a']), true);
  assert.equal(await call('hosts.has_pair', ['10.0.0.1', 'z']), false);
});

test('hosts.add_host, set_host, set_comment and rm_host rewrite the file like Salt', async () => {
  writeFileSync(file, '# top\n127.0.0.1 localhost\n');
  assert.equal(await call('hosts.add_host', ['10.0.0.2', 'x']), true);
  assert.equal(readFileSync(file, 'utf8'), '# top\n127.0.0.1\t\tlocalhost\n10.0.0.2\t\tx\n');
  assert.equal(await call('hosts.set_comment', ['10.0.0.2', 'note']), true);
  assert.equal(readFileSync(file, 'utf8'), '# top\n127.0.0.1\t\tlocalhost\n10.0.0.2\t\tx\t\t# note\n');
  assert.equal(await call('hosts.set_comment', ['10.9.9.9', 'note']), false);
  assert.equal(await call('hosts.set_host', ['10.0.0.2', 'y z']), true);
  assert.equal(readFileSync(file, 'utf8'), '# top\n127.0.0.1\t\tlocalhost\n10.0.0.2\t\ty z\n');
  assert.equal(await call('hosts.rm_host', ['10.0.0.2', 'y']), true);
  assert.equal(readFileSync(file, 'utf8'), '# top\n127.0.0.1\t\tlocalhost\n10.0.0.2\t\tz \n');
  assert.equal(await call('hosts.rm_host', ['10.0.0.2', 'z']), true);
  assert.equal(readFileSync(file, 'utf8'), '# top\n127.0.0.1\t\tlocalhost\n');
});
