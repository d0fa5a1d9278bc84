import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prependRootDir, resolvePath, shouldPrependRootDir, underRootDir } from './root_dir.js';

test('underRootDir joins relative paths, prefixes absolute ones and keeps paths already inside', () => {
  assert.equal(underRootDir('/srv/root', 'pki'), '/srv/root/pki');
  assert.equal(underRootDir('/srv/root', '/etc/salt/pki'), '/srv/root/etc/salt/pki');
  assert.equal(underRootDir('/srv/root', '/srv/root/pki'), '/srv/root/pki');
  assert.equal(underRootDir('/srv/root', '/srv/rootx/pki'), '/srv/root/srv/rootx/pki');
  assert.equal(underRootDir('/srv/root/', '/a/../b//c'), '/srv/root/b/c');
});

test('underRootDir with the default root_dir / leaves absolute paths alone', () => {
  assert.equal(underRootDir('/', '/var/cache/salt/master'), '/var/cache/salt/master');
});

test('prependRootDir changes only string options of the list and is idempotent', () => {
  const opts: Record<string, unknown> = { root_dir: '/r', pki_dir: '/etc/salt/pki', cachedir: null, other: '/x' };
  prependRootDir(opts, ['pki_dir', 'cachedir', 'missing']);
  assert.deepEqual(opts, { root_dir: '/r', pki_dir: '/r/etc/salt/pki', cachedir: null, other: '/x' });
  prependRootDir(opts, ['pki_dir']);
  assert.equal(opts.pki_dir, '/r/etc/salt/pki');
});

test('shouldPrependRootDir is false for URLs such as udp:// and file://, and for unset values', () => {
  assert.equal(shouldPrependRootDir('log_file', { log_file: '/var/log/salt/master' }), true);
  assert.equal(shouldPrependRootDir('log_file', { log_file: 'udp://localhost:514/LOG_USER' }), false);
  assert.equal(shouldPrependRootDir('log_file', { log_file: 'file:///dev/log' }), false);
  assert.equal(shouldPrependRootDir('log_file', { log_file: null }), false);
  assert.equal(shouldPrependRootDir('log_file', {}), false);
});

test('resolvePath gives an option’s path under root_dir, or undefined for unset values and URLs', () => {
  const opts = { root_dir: '/r', autosign_file: 'autosign.conf', pki_dir: '/r/pki', log_file: 'tcp://h:1', empty: '' };
  assert.equal(resolvePath(opts, 'autosign_file'), '/r/autosign.conf');
  assert.equal(resolvePath(opts, 'pki_dir'), '/r/pki');
  assert.equal(resolvePath(opts, 'log_file'), undefined);
  assert.equal(resolvePath(opts, 'empty'), undefined);
  assert.equal(resolvePath(opts, 'nope'), undefined);
});
