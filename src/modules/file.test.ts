import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { unifiedDiff } from './_unified_diff.js';

const dir = mkdtempSync(join(tmpdir(), 'salt-file-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const loader = new Loader({ opts: { id: 'm1', test: false, cachedir: join(dir, 'cache') }, grains: { kernel: 'Linux' } });
const run = (fun: string, arg: unknown[] = []) => runFunction(loader, fun, arg);
const kw = (o: Record<string, unknown>) => ({ __kwarg__: true, ...o });
const p = (name: string) => join(dir, name);

test('file.write, append, prepend and read produce Salt texts and contents', async () => {
  const f = p('wap.txt');
  assert.equal((await run('file.write', [f, 'one', 'two'])).return, `Wrote 2 lines to "${f}"`);
  writeFileSync(f, 'one\ntwo');
  assert.equal((await run('file.append', [f, 'three', 4])).return, `Wrote 2 lines to "${f}"`);
  assert.equal(readFileSync(f, 'utf8'), 'one\ntwo\nthree\n4\n');
  assert.equal((await run('file.prepend', [f, 'zero'])).return, `Prepended 1 lines to "${f}"`);
  assert.equal((await run('file.read', [f])).return, 'zero\none\ntwo\nthree\n4\n');
  assert.equal((await run('file.write', [f, kw({ args: ['x'] })])).return, `Wrote 1 lines to "${f}"`);
  assert.equal(readFileSync(f, 'utf8'), 'x\n');
});

test('file.read of a missing file fails like Python: FileNotFoundError traceback, retcode 1', async () => {
  const r = await run('file.read', [p('nope')]);
  assert.equal(r.retcode, 1);
  assert.match(String(r.return), /^The minion function caused an exception: Traceback[\s\S]*FileNotFoundError: \[Errno 2\] No such file or directory: '.*nope'\n$/);
});

test('file.file_exists and directory_exists return False (retcode 0) for missing paths', async () => {
  assert.deepEqual(await run('file.file_exists', [p('missing')]), { return: false, retcode: 0, success: true });
  assert.equal((await run('file.directory_exists', [dir])).return, true);
  assert.equal((await run('file.file_exists', [dir])).return, false);
});

test('file.replace returns a unified diff, writes the change and keeps a .bak backup', async () => {
  const f = p('rep.conf');
  writeFileSync(f, 'a=1\nLogLevel warn\nb=2\n');
  const r = await run('file.replace', [f, kw({ pattern: 'LogLevel (\\w+)', repl: 'LogLevel info # was \\1' })]);
  assert.equal(r.return, '--- \n+++ \n@@ -1,3 +1,3 @@\n a=1\n-LogLevel warn\n+LogLevel info # was warn\n b=2\n');
  assert.equal(readFileSync(f, 'utf8'), 'a=1\nLogLevel info # was warn\nb=2\n');
  assert.equal(readFileSync(`${f}.bak`, 'utf8'), 'a=1\nLogLevel warn\nb=2\n');
  const again = await run('file.replace', [f, kw({ pattern: 'nomatch', repl: 'x', show_changes: false })]);
  assert.equal(again.return, false);
  const app = await run('file.replace', [f, kw({ pattern: '^c=.*', repl: 'c=3', append_if_not_found: true, backup: false })]);
  assert.equal(app.return, '--- \n+++ \n@@ -1,3 +1,4 @@\n a=1\n LogLevel info # was warn\n b=2\n+c=3\n');
  assert.equal(readFileSync(f, 'utf8').endsWith('b=2\nc=3\n'), true);
});

test('file.replace on a missing file is a SaltInvocationError; invalid flags a CommandExecutionError', async () => {
  const r = await run('file.replace', [p('gone'), 'a', 'b']);
  assert.equal(r.return, `ERROR executing 'file.replace': File not found: ${p('gone')}`);
  assert.equal(r.retcode, 1);
  writeFileSync(p('fl'), 'x\n');
  const bad = await run('file.replace', [p('fl'), 'x', 'y', kw({ flags: ['NOPE'] })]);
  assert.equal(bad.return, 'ERROR: Invalid re flag given: NOPE');
});

test('file.search and file.contains / contains_regex find text', async () => {
  const f = p('search.txt');
  writeFileSync(f, 'hello world\n# comment\nFOO=bar\n');
  assert.equal((await run('file.search', [f, '^FOO='])).return, true);
  assert.equal((await run('file.search', [f, '^foo=', kw({ flags: ['IGNORECASE', 'MULTILINE'] })])).return, true);
  assert.equal((await run('file.search', [f, '^nothing'])).return, false);
  assert.equal((await run('file.contains', [f, '  world '])).return, true);
  assert.equal((await run('file.contains', [p('none'), 'x'])).return, false);
  assert.equal((await run('file.contains_regex', [f, '^ comment', kw({ lchar: '#' })])).return, true);
  assert.equal((await run('file.contains_regex', [f, '^comment'])).return, false);
});

test('file.line ensure/replace/delete/insert edit lines and report diffs', async () => {
  const f = p('line.txt');
  writeFileSync(f, 'hosts: files\nnetworks: files\n');
  const ensured = await run('file.line', [f, kw({ content: 'dns: yes', after: 'hosts:.*', mode: 'ensure' })]);
  assert.equal(ensured.return, '--- \n+++ \n@@ -1,2 +1,3 @@\n hosts: files\n+dns: yes\n networks: files\n');
  assert.equal((await run('file.line', [f, kw({ content: 'dns: yes', after: 'hosts:.*', mode: 'ensure' })])).return, false);
  await run('file.line', [f, kw({ content: 'dns: no', match: 'dns:', mode: 'replace' })]);
  assert.equal(readFileSync(f, 'utf8'), 'hosts: files\ndns: no\nnetworks: files\n');
  await run('file.line', [f, kw({ match: 'dns', mode: 'delete' })]);
  assert.equal(readFileSync(f, 'utf8'), 'hosts: files\nnetworks: files\n');
  await run('file.line', [f, kw({ content: 'first', mode: 'insert', location: 'start' })]);
  assert.equal(readFileSync(f, 'utf8'), 'first\nhosts: files\nnetworks: files\n');
  await run('file.line', [f, kw({ content: 'mid', mode: 'insert', before: 'networks' })]);
  assert.equal(readFileSync(f, 'utf8'), 'first\nhosts: files\nmid\nnetworks: files\n');
  const noMode = await run('file.line', [f, kw({ content: 'x' })]);
  assert.equal(noMode.return, 'ERROR: Mode was not defined. How to process the file?');
  const missing = await run('file.line', [p('nofile'), kw({ content: 'x', mode: 'ensure' })]);
  assert.equal(missing.return, `ERROR: File "${p('nofile')}" does not exists or is not a file.`);
});

test('file hashes: get_hash, get_sum, check_hash', async () => {
  const f = p('hash.txt');
  writeFileSync(f, 'abc');
  const sha = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  assert.equal((await run('file.get_hash', [f])).return, sha);
  assert.equal((await run('file.get_sum', [f, 'md5'])).return, '900150983cd24fb0d6963f7d28e17f72');
  assert.equal((await run('file.get_sum', [p('nohash')])).return, 'File not found');
  assert.equal((await run('file.check_hash', [f, `sha256:${sha}`])).return, true);
  assert.equal((await run('file.check_hash', [f, '900150983cd24fb0d6963f7d28e17f72'])).return, true);
  const bad = await run('file.check_hash', [f, 'abc']);
  assert.match(String(bad.return), /^ERROR executing 'file.check_hash': Hash abc \(length: 3\) could not be matched.*md5 \(32\), sha1 \(40\)/);
  const badType = await run('file.get_hash', [f, 'nosuch']);
  assert.match(String(badType.return), /ValueError: Invalid hash type: nosuch\n$/);
});

test('file.stats, get_mode, set_mode, get_user/uid/group/gid and chown', async () => {
  const f = p('modes');
  writeFileSync(f, 'x');
  assert.equal((await run('file.set_mode', [f, '0640'])).return, '0640');
  assert.equal(statSync(f).mode & 0o777, 0o640);
  assert.equal((await run('file.get_mode', [f])).return, '0640');
  const st = (await run('file.stats', [f, 'md5'])).return as Record<string, unknown>;
  assert.deepEqual(Object.keys(st), ['inode', 'uid', 'gid', 'group', 'user', 'atime', 'mtime', 'ctime', 'size', 'mode', 'sum', 'type', 'target']);
  assert.equal(st.type, 'file');
  assert.equal(st.size, 1);
  assert.equal(st.uid, process.getuid!());
  assert.equal((await run('file.get_uid', [f])).return, process.getuid!());
  assert.equal(typeof (await run('file.get_user', [f])).return, 'string');
  const missing = await run('file.get_mode', [p('nomode')]);
  assert.equal(missing.return, `ERROR: Path not found: ${p('nomode')}`);
  assert.equal((await run('file.set_mode', [p('nomode'), '644'])).return, `ERROR: ${p('nomode')}: File not found`);
  assert.equal((await run('file.chown', [f, 'no-such-user-x', 'no-such-group-x'])).return, 'User does not exist\nGroup does not exist\n');
  assert.equal((await run('file.uid_to_user', [0])).return, 'root');
  assert.equal((await run('file.user_to_uid', ['root'])).return, 0);
  assert.equal((await run('file.user_to_uid', ['no-such-user-x'])).return, '');
  assert.equal((await run('file.gid_to_group', [0])).return, 'root');
  assert.equal((await run('file.group_to_gid', ['root'])).return, 0);
  assert.equal((await run('file.gid_to_group', [987654])).return, 987654);
});

test('file.mkdir, makedirs, touch, copy, move, rename, remove', async () => {
  const d = p('a/b/c');
  assert.equal((await run('file.mkdir', [d, kw({ mode: '750' })])).return, true);
  assert.equal(statSync(d).mode & 0o777, 0o750);
  assert.equal((await run('file.makedirs', [p('m1/m2/file')])).return, null);
  assert.equal(statSync(p('m1/m2')).isDirectory(), true);
  assert.equal((await run('file.makedirs', [p('m1/m2/file')])).return, `Directory '${p('m1/m2')}' already exists`);
  const t = p('touched');
  assert.equal((await run('file.touch', [t, kw({ mtime: 1000 })])).return, true);
  assert.equal(Math.round(statSync(t).mtimeMs / 1000), 1000);
  assert.equal((await run('file.copy', [t, p('copied')])).return, true);
  assert.equal(existsSync(p('copied')), true);
  const cdir = await run('file.copy', [p('a'), p('acopy')]);
  assert.equal(cdir.return, "ERROR executing 'file.copy': Cannot copy overwriting a directory without recurse flag set to true!");
  assert.equal((await run('file.copy', [p('a'), p('acopy'), kw({ recurse: true })])).return, true);
  assert.equal(statSync(p('acopy/b/c')).isDirectory(), true);
  assert.deepEqual((await run('file.move', [p('copied'), p('moved')])).return, { result: true, comment: `'${p('copied')}' moved to '${p('moved')}'` });
  assert.equal((await run('file.rename', [p('moved'), p('renamed')])).return, true);
  assert.equal((await run('file.rename', ['rel', p('x')])).return, "ERROR executing 'file.rename': File path must be absolute.");
  assert.equal((await run('file.remove', [p('renamed')])).return, true);
  assert.equal((await run('file.remove', [p('renamed')])).return, false);
  assert.equal((await run('file.remove', [p('acopy')])).return, true);
  assert.equal((await run('file.remove', ['relative/path'])).return, "ERROR executing 'file.remove': File path must be absolute: relative/path");
});

test('file.symlink, is_link, readlink, lstat, readdir, access', async () => {
  const target = p('ln-target');
  writeFileSync(target, 'x');
  const link = p('ln');
  assert.equal((await run('file.symlink', [target, link])).return, true);
  assert.equal(readlinkSync(link), target);
  assert.equal((await run('file.symlink', [target, link])).return, true);
  assert.equal((await run('file.symlink', [p('other'), link])).return, `ERROR: Found existing symlink: ${link}`);
  assert.equal((await run('file.symlink', [p('other'), link, kw({ force: true })])).return, true);
  assert.equal(readlinkSync(link), p('other'));
  assert.equal((await run('file.is_link', [link])).return, true);
  assert.equal((await run('file.readlink', [link])).return, p('other'));
  assert.equal((await run('file.readlink', [target])).return, `ERROR executing 'file.readlink': A valid link was not specified: ${target}`);
  const ls = (await run('file.lstat', [link])).return as Record<string, unknown>;
  assert.equal(((ls.st_mode as number) & 0o170000) === 0o120000, true);
  assert.deepEqual((await run('file.lstat', [p('nolstat')])).return, {});
  const sub = p('rd');
  mkdirSync(sub);
  writeFileSync(join(sub, 'f1'), '');
  assert.deepEqual(((await run('file.readdir', [sub])).return as string[]).sort(), ['.', '..', 'f1']);
  assert.equal((await run('file.access', [target, 'r'])).return, true);
  assert.equal((await run('file.access', [p('noacc'), 'f'])).return, false);
  assert.equal((await run('file.access', [target, 'q'])).return, "ERROR executing 'file.access': Invalid mode specified.");
  assert.equal(lstatSync(link).isSymbolicLink(), true);
});

test('file.find applies Salt criteria, depth limits and print options', async () => {
  const root = p('findroot');
  mkdirSync(join(root, 'sub/deep'), { recursive: true });
  writeFileSync(join(root, 'a.log'), 'x'.repeat(2048));
  writeFileSync(join(root, 'b.txt'), 'hello');
  writeFileSync(join(root, 'sub/c.log'), 'needle');
  writeFileSync(join(root, 'sub/deep/d.log'), '');
  assert.deepEqual((await run('file.find', [root, kw({ name: '*.log' })])).return, [join(root, 'a.log'), join(root, 'sub/c.log'), join(root, 'sub/deep/d.log')]);
  assert.deepEqual((await run('file.find', [root, kw({ type: 'd' })])).return, [root, join(root, 'sub'), join(root, 'sub/deep')]);
  assert.deepEqual((await run('file.find', [root, kw({ name: '*.log', maxdepth: 1 })])).return, [join(root, 'a.log')]);
  assert.deepEqual((await run('file.find', [root, kw({ size: '+1k', type: 'f' })])).return, [join(root, 'a.log')]);
  assert.deepEqual((await run('file.find', [root, kw({ grep: 'needle' })])).return, [join(root, 'sub/c.log')]);
  assert.deepEqual((await run('file.find', [root, kw({ name: 'b.txt', print: 'name,size' })])).return, [['b.txt', 5]]);
  assert.equal((await run('file.find', [root, kw({ bogus: 'x' })])).return, 'error: invalid option "bogus"');
  assert.equal((await run('file.find', [root, kw({ type: 'q' })])).return, 'error: invalid file type "q"');
  assert.deepEqual((await run('file.find', [join(root, '*.txt')])).return, [join(root, 'b.txt')]);
});

test('file.basename, dirname, join, truncate, seek_read and list_backups', async () => {
  assert.equal((await run('file.basename', ['/a/b/c.conf'])).return, 'c.conf');
  assert.equal((await run('file.basename', ['/a/b/'])).return, '');
  assert.equal((await run('file.dirname', ['/a/b/c.conf'])).return, '/a/b');
  assert.equal((await run('file.join', ['/', 'usr', 'local', 'bin'])).return, '/usr/local/bin');
  assert.equal((await run('file.join', ['/a', '/b'])).return, '/b');
  const f = p('trunc');
  writeFileSync(f, '0123456789');
  assert.equal((await run('file.truncate', [f, 4])).return, null);
  assert.equal(readFileSync(f, 'utf8'), '0123');
  assert.deepEqual((await run('file.seek_read', [f, 2, 1])).return, Buffer.from('12'));
  assert.deepEqual((await run('file.list_backups', [f])).return, {});
});

test('unifiedDiff matches difflib hunks: context, ranges, missing final newline', () => {
  assert.equal(unifiedDiff(['a\n'], ['a\n']), '');
  assert.equal(unifiedDiff([], ['x\n']), '--- \n+++ \n@@ -0,0 +1 @@\n+x\n');
  const a = Array.from({ length: 12 }, (_, i) => `${i}\n`);
  const b = [...a];
  b[1] = 'one\n';
  b[10] = 'ten';
  assert.equal(
    unifiedDiff(a, b),
    '--- \n+++ \n@@ -1,5 +1,5 @@\n 0\n-1\n+one\n 2\n 3\n 4\n@@ -8,5 +8,5 @@\n 7\n 8\n 9\n-10\n+ten 11\n',
  );
});
