/**
 * file.line / blockreplace / keyvalue / prepend / serialize / recurse, managed ownership and
 * backups, directory recursion: real files, each SLS applied with test=True, then twice for real
 * (the second run must change nothing). Expected texts are those real Salt 3006.10 printed for
 * the same SLS.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { applyStates } from '../state/apply.js';
import { caseFiles, caseLoader } from '../state/_replay.js';
import { whitespaceSplitRegex } from './_file_edit.js';

const root = mkdtempSync(join(tmpdir(), 'salt-ts-fileedit-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

type Results = Record<string, { result: boolean | null; comment: string; changes: Record<string, any> }>;

/** Applies `sls` (with `@S@` = a fresh scratch dir) in test mode, then twice for real. */
async function threeRuns(sls: string, setup: (dir: string) => void = () => {}, files: Record<string, string> = {}): Promise<{ dir: string; runs: Results[] }> {
  const dir = join(root, `s${n++}`);
  mkdirSync(dir);
  setup(dir);
  const fileClient = caseFiles({ base: { ...files, 'main.sls': sls.replaceAll('@S@', dir) } });
  const cachedir = join(dir, '..', `cache${n}`);
  const runs: Results[] = [];
  for (const testMode of [true, false, false]) {
    const out = await applyStates({ mods: ['main'], test: testMode, fileClient, caller: caseLoader({ cachedir }).makeContext() });
    assert.ok('states' in out, JSON.stringify(out));
    const byId: Results = {};
    for (const r of Object.values(out.states)) byId[r.__id__ as string] = r as any;
    runs.push(byId);
  }
  return { dir, runs };
}

test('file.line ensures, deletes and reports; test mode predicts; a second run changes nothing', async () => {
  const sls = `ensure:\n  file.line:\n    - name: @S@/a.txt\n    - content: "foo=bar"\n    - mode: ensure\n    - after: "^start"\n` +
    `del:\n  file.line:\n    - name: @S@/a.txt\n    - match: "^junk"\n    - mode: delete\n` +
    `nomode:\n  file.line:\n    - name: @S@/a.txt\n    - content: x\n` +
    `missing:\n  file.line:\n    - name: @S@/nope.txt\n    - content: x\n    - mode: insert\n    - location: end\n`;
  const { dir, runs } = await threeRuns(sls, (d) => writeFileSync(join(d, 'a.txt'), 'start\njunk here\nend\n'));
  const [t, first, second] = runs;
  assert.deepEqual([t.ensure.result, t.ensure.comment, t.ensure.changes.diff], [null, 'Changes would be made', '--- \n+++ \n@@ -1,3 +1,4 @@\n start\n+foo=bar\n junk here\n end\n']);
  assert.deepEqual([first.ensure.result, first.ensure.comment], [true, 'Changes were made']);
  assert.equal(first.del.changes.diff, '--- \n+++ \n@@ -1,4 +1,3 @@\n start\n foo=bar\n-junk here\n end\n');
  assert.deepEqual([first.nomode.result, first.nomode.comment], [false, 'Mode was not defined. How to process the file?']);
  assert.deepEqual([first.missing.result, first.missing.comment], [false, `${dir}/nope.txt: file not found`]);
  assert.deepEqual([second.ensure.comment, second.ensure.changes, second.del.comment], ['No changes needed to be made', {}, 'No changes needed to be made']);
  assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'start\nfoo=bar\nend\n');
});

test('file.blockreplace replaces between markers, appends when asked, keeps a .bak and fails without markers', async () => {
  const sls = `block:\n  file.blockreplace:\n    - name: @S@/b.txt\n    - marker_start: "# BEGIN"\n    - marker_end: "# END"\n    - content: |\n        one\n        two\n` +
    `app:\n  file.blockreplace:\n    - name: @S@/c.txt\n    - content: appended\n    - append_if_not_found: True\n` +
    `none:\n  file.blockreplace:\n    - name: @S@/d.txt\n    - content: x\n`;
  const { dir, runs } = await threeRuns(sls, (d) => {
    writeFileSync(join(d, 'b.txt'), 'x\n# BEGIN\nold\n# END\ny\n');
    writeFileSync(join(d, 'c.txt'), 'c\n');
    writeFileSync(join(d, 'd.txt'), 'c\n');
  });
  const [t, first, second] = runs;
  assert.deepEqual([t.block.result, t.block.comment], [null, 'Changes would be made']);
  assert.equal(first.block.changes.diff, '--- \n+++ \n@@ -1,5 +1,6 @@\n x\n # BEGIN\n-old\n+one\n+two\n # END\n y\n');
  assert.equal(first.app.changes.diff, '--- \n+++ \n@@ -1 +1,4 @@\n c\n+#-- start managed zone --\n+appended\n+#-- end managed zone --\n');
  assert.deepEqual([first.none.result, first.none.comment], [false, 'Encountered error managing block: Cannot edit marked block. Markers were not found in file.. See the log for details.']);
  assert.deepEqual([second.block.comment, second.app.comment], ['No changes needed to be made', 'No changes needed to be made']);
  assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'x\n# BEGIN\none\ntwo\n# END\ny\n');
  assert.equal(readFileSync(join(dir, 'b.txt.bak'), 'utf8'), 'x\n# BEGIN\nold\n# END\ny\n');
});

test('file.keyvalue uncomments, retypes and appends keys; its Salt-style pseudo diff and test comment', async () => {
  const sls = `kv:\n  file.keyvalue:\n    - name: @S@/kv.conf\n    - key_values:\n        PermitRootLogin: 'no'\n        Port: 2222\n        NewKey: val\n    - separator: ' '\n    - append_if_not_found: True\n    - uncomment: '#'\n` +
    `empty:\n  file.keyvalue:\n    - name: @S@/kv.conf\n`;
  const { dir, runs } = await threeRuns(sls, (d) => writeFileSync(join(d, 'kv.conf'), '#PermitRootLogin yes\nPort 22\nOther 1\n'));
  const [t, first, second] = runs;
  const diff = '- #PermitRootLogin yes\n+ PermitRootLogin no\n- Port 22\n+ Port 2222 (from int type)\n- <EOF>\n+ NewKey val\n+ <EOF>\n';
  assert.deepEqual([t.kv.result, t.kv.changes.diff], [null, diff]);
  assert.equal(t.kv.comment, `File ${dir}/kv.conf is set to be changed (3 lines)\nPredicted diff:\n\r\t\t${diff.split(/(?<=\n)/).join('\r\t\t')}`);
  assert.deepEqual([first.kv.result, first.kv.comment, first.kv.changes.diff], [true, 'Changed 3 lines', diff]);
  assert.deepEqual([second.kv.result, second.kv.comment, second.kv.changes], [true, '', {}]);
  assert.deepEqual([first.empty.result, first.empty.comment], [false, 'file.keyvalue key and value not supplied and key_values is empty']);
  assert.equal(readFileSync(join(dir, 'kv.conf'), 'utf8'), 'PermitRootLogin no\nPort 2222\nOther 1\nNewKey val\n');
});

test('file.prepend adds missing text at the top, creates a missing file (touch in test mode), honours header', async () => {
  const sls = `pre:\n  file.prepend:\n    - name: @S@/p.txt\n    - text:\n      - "# header line"\n      - second\n` +
    `new:\n  file.prepend:\n    - name: @S@/new.txt\n    - text: hi there\n`;
  const { dir, runs } = await threeRuns(sls, (d) => writeFileSync(join(d, 'p.txt'), 'body\n'));
  const [t, first, second] = runs;
  assert.deepEqual([t.new.result, t.new.comment, t.new.changes], [null, `File ${dir}/new.txt is set to be created`, { new: `${dir}/new.txt` }]);
  assert.deepEqual([t.pre.result, t.pre.comment], [null, `File ${dir}/p.txt is set to be updated`]);
  assert.deepEqual([first.pre.comment, first.pre.changes.diff], ['Prepended 2 lines', '--- \n+++ \n@@ -1 +1,3 @@\n+# header line\n+second\n body\n']);
  assert.deepEqual([first.new.comment, first.new.changes.diff], ['Prepended 1 lines', '--- \n+++ \n@@ -0,0 +1 @@\n+hi there\n']);
  assert.deepEqual([second.pre.comment, second.pre.changes], [`File ${dir}/p.txt is in correct state`, {}]);
  assert.equal(readFileSync(join(dir, 'p.txt'), 'utf8'), '# header line\nsecond\nbody\n');
});

test('whitespaceSplitRegex matches a text whatever the whitespace between its words', () => {
  assert.equal(whitespaceSplitRegex('a  b.c'), '(?m)^(?:[\\s]+)?a(?:[\\s]+)?b\\.c$');
});

test('file.serialize writes YAML and JSON the way Salt serializers do, merges with merge_if_exists', async () => {
  const data = '    - dataset:\n        b: 1\n        a: [x, y]\n        c: {nested: true, s: "héllo"}\n';
  const sls = `y:\n  file.serialize:\n    - name: @S@/out.yaml\n${data}` + `j:\n  file.serialize:\n    - name: @S@/out.json\n    - serializer: json\n${data}` +
    `m:\n  file.serialize:\n    - name: @S@/m.json\n    - formatter: json\n    - merge_if_exists: True\n    - dataset:\n        added: 1\n        keep: {inner: 2}\n` +
    `bad:\n  file.serialize:\n    - name: @S@/x.toml\n    - serializer: nosuch\n    - dataset: {a: 1}\n`;
  const { dir, runs } = await threeRuns(sls, (d) => writeFileSync(join(d, 'm.json'), '{"keep": {"old": 1}, "x": 2}\n'));
  const [t, first, second] = runs;
  assert.deepEqual([t.y.result, t.y.comment, t.y.changes], [null, `Dataset will be serialized and stored into ${dir}/out.yaml`, { newfile: `${dir}/out.yaml` }]);
  assert.equal(readFileSync(join(dir, 'out.yaml'), 'utf8'), 'a:\n- x\n- y\nb: 1\nc:\n  nested: true\n  s: "h\\xE9llo"\n');
  assert.equal(readFileSync(join(dir, 'out.json'), 'utf8'), '{\n  "a": [\n    "x",\n    "y"\n  ],\n  "b": 1,\n  "c": {\n    "nested": true,\n    "s": "héllo"\n  }\n}\n');
  assert.deepEqual(first.m.changes.diff, { added: { new: 1, old: '<_null_>' }, keep: { inner: { new: 2, old: '<_null_>' } } });
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')), { added: 1, keep: { inner: 2, old: 1 }, x: 2 });
  assert.deepEqual([first.bad.result, first.bad.comment], [false, 'The nosuch serializer could not be found. It either does not exist or its prerequisites are not installed.']);
  assert.deepEqual([second.y.comment, second.m.comment, second.j.changes], [`File ${dir}/out.yaml is in the correct state`, `The file ${dir}/m.json is in the correct state`, {}]);
});

test('file.managed sets user and group, refuses unknown users, keeps a minion-side backup', async () => {
  const sls = `own:\n  file.managed:\n    - name: @S@/owned.txt\n    - contents: hello\n    - user: nobody\n    - group: nogroup\n    - mode: '0640'\n` +
    `nouser:\n  file.managed:\n    - name: @S@/nouser.txt\n    - contents: x\n    - user: nosuchuser\n` +
    `bk:\n  file.managed:\n    - name: @S@/bk.txt\n    - contents: new content\n    - backup: minion\n`;
  const { dir, runs } = await threeRuns(sls, (d) => writeFileSync(join(d, 'bk.txt'), 'old content\n'));
  const [t, first, second] = runs;
  assert.deepEqual([t.own.result, t.own.changes], [null, { newfile: `${dir}/owned.txt` }]);
  assert.deepEqual([t.nouser.result], [null]);
  assert.deepEqual(first.own.changes, { diff: 'New file', user: 'nobody', group: 'nogroup', mode: '0640' });
  assert.deepEqual([first.nouser.result, first.nouser.comment], [false, 'User nosuchuser is not available ']);
  const st = statSync(join(dir, 'owned.txt'));
  assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [65534, 65534, 0o640]);
  assert.deepEqual([second.own.result, second.own.comment], [true, `File ${dir}/owned.txt is in the correct state`]);
  const bkdir = join(dir, '..', `cache${n}`, 'file_backup', dir.slice(1));
  const backups = readdirSync(bkdir);
  assert.equal(backups.length, 1);
  assert.match(backups[0], /^bk\.txt_(Sun|Mon|Tue|Wed|Thu|Fri|Sat)_[A-Z][a-z]{2}_\d\d_\d\d:\d\d:\d\d_\d{6}_\d{4}$/);
  assert.equal(readFileSync(join(bkdir, backups[0]), 'utf8'), 'old content\n');
});

test('file.directory recurse sets user, group and modes below the directory; bad recurse values fail', async () => {
  const sls = `tree:\n  file.directory:\n    - name: @S@/tree\n    - user: nobody\n    - group: nogroup\n    - dir_mode: 755\n    - file_mode: 644\n    - recurse: [user, group, mode]\n` +
    `bad:\n  file.directory:\n    - name: @S@/tree3\n    - recurse: [bogus]\n`;
  const { dir, runs } = await threeRuns(sls, (d) => {
    mkdirSync(join(d, 'tree', 'd1'), { recursive: true });
    writeFileSync(join(d, 'tree', 'f1'), 'f\n');
    chmodSync(join(d, 'tree', 'f1'), 0o600);
    chmodSync(join(d, 'tree', 'd1'), 0o700);
  });
  const [t, first, second] = runs;
  const tree = join(dir, 'tree');
  assert.equal(t.tree.result, null);
  assert.deepEqual(t.tree.changes[`${tree}/f1`], { user: 'nobody', group: 'nogroup', mode: '0644' });
  assert.deepEqual(first.tree.changes[`${tree}/d1`], { user: 'nobody', group: 'nogroup', mode: '0755' });
  assert.deepEqual([first.tree.changes.user, first.tree.changes.group, first.tree.comment], ['nobody', 'nogroup', `Directory ${tree} updated`]);
  assert.deepEqual([second.tree.comment, second.tree.changes], [`The directory ${tree} is in the correct state`, {}]);
  assert.equal(lstatSync(join(tree, 'f1')).uid, 65534);
  assert.deepEqual([first.bad.result, first.bad.comment], [false, 'Types for "recurse" limited to "user", "group", "mode", "ignore_files", "ignore_dirs", "silent".']);
});

test('file.recurse mirrors a salt:// directory (templates rendered, excludes skipped, clean removes strays)', async () => {
  const sls = `web:\n  file.recurse:\n    - name: @S@/web\n    - source: salt://web\n    - template: jinja\n    - exclude_pat: '*.tmp'\n` +
    `clean:\n  file.recurse:\n    - name: @S@/web3\n    - source: salt://web/sub\n    - clean: True\n    - file_mode: 600\n` +
    `missing:\n  file.recurse:\n    - name: @S@/web2\n    - source: salt://nothere\n`;
  const files = { 'web/index.html': 'index {{ grains["id"] | default("x") }}{{ 1 + 1 }}\n', 'web/sub/a.txt': 'sub file\n', 'web/skip.tmp': 'x\n' };
  const { dir, runs } = await threeRuns(sls, (d) => {
    mkdirSync(join(d, 'web3'));
    writeFileSync(join(d, 'web3', 'stale.txt'), 'stale\n');
  }, files);
  const [t, first, second] = runs;
  assert.equal(t.web.result, null);
  assert.deepEqual(t.web.changes[`${dir}/web/index.html`], { newfile: `${dir}/web/index.html` });
  assert.deepEqual(first.web.changes[`${dir}/web/sub/a.txt`], { diff: 'New file', mode: '0644' });
  assert.equal(first.web.comment, `Recursively updated ${dir}/web`);
  assert.equal(readFileSync(join(dir, 'web', 'index.html'), 'utf8'), 'index x2\n');
  assert.ok(!existsSync(join(dir, 'web', 'skip.tmp')));
  assert.deepEqual(first.clean.changes.removed, [`${dir}/web3/stale.txt`]);
  assert.equal(statSync(join(dir, 'web3', 'a.txt')).mode & 0o777, 0o600);
  assert.deepEqual([first.missing.result, first.missing.comment], [false, 'Recurse failed: none of the specified sources were found']);
  assert.deepEqual([second.web.comment, second.web.changes, second.clean.changes], [`The directory ${dir}/web is in the correct state`, {}, {}]);
});
