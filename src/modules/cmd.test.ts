import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { processAlive } from '../../test/support/processes.js';

const loader = new Loader({ opts: { id: 'm1' } });
/** As published from the CLI: a jid, so python_shell defaults to True. */
const PUB = { jid: '20250101000000000010', fun: 'cmd.run', tgt: 'm1' };
const kw = (o: Record<string, unknown>) => ({ __kwarg__: true, ...o });
const cli = (fun: string, arg: unknown[]) => runFunction(loader, fun, arg, { ...PUB, fun });
const direct = (fun: string, arg: unknown[]) => runFunction(loader, fun, arg);
const scratch = mkdtempSync(join(tmpdir(), 'salt-ts-cmd-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('cmd.run returns stdout with stderr merged, right-stripped, and the exit code becomes the job retcode', async () => {
  const r = await cli('cmd.run', ['echo out; echo err >&2; exit 3']);
  assert.deepEqual(r, { return: 'out\nerr', retcode: 3, success: false });
  assert.deepEqual(await cli('cmd.run', ['printf "a\\n\\n"']), { return: 'a', retcode: 0, success: true });
  assert.equal((await cli('cmd.run', ['printf "a\\n\\n"', 'rstrip=False'])).return, 'a\n\n');
});

test('cmd.run_all returns pid, retcode, stdout and stderr separately', async () => {
  const r = await cli('cmd.run_all', ['echo out; echo err >&2; exit 2']);
  const ret = r.return as Record<string, unknown>;
  assert.deepEqual(Object.keys(ret), ['pid', 'retcode', 'stdout', 'stderr']);
  assert.equal(typeof ret.pid, 'number');
  assert.deepEqual({ ...ret, pid: 0 }, { pid: 0, retcode: 2, stdout: 'out', stderr: 'err' });
  assert.equal(r.retcode, 2, 'the retcode also fails the job');
  const merged = (await cli('cmd.run_all', ['echo out; echo err >&2', 'redirect_stderr=True'])).return as Record<string, unknown>;
  assert.equal(merged.stdout, 'out\nerr');
  assert.equal(merged.stderr, '');
});

test('cmd.retcode, cmd.run_stdout and cmd.run_stderr return one part each', async () => {
  assert.deepEqual(await cli('cmd.retcode', ['exit 4']), { return: 4, retcode: 4, success: false });
  assert.equal((await cli('cmd.run_stdout', ['echo o; echo e >&2'])).return, 'o');
  assert.equal((await cli('cmd.run_stderr', ['echo o; echo e >&2'])).return, 'e');
});

test('from the CLI commands go through the shell; direct calls split words without one', async () => {
  assert.equal((await cli('cmd.run', ['echo a | tr a b'])).return, 'b');
  assert.equal((await direct('cmd.run', ['echo a | tr a b'])).return, 'a | tr a b');
  assert.equal((await direct('cmd.run', [`echo 'a  b' "c \\"d\\"" e\\ f`])).return, 'a  b c "d" e f');
  assert.equal((await cli('cmd.run', ['echo $0', kw({ python_shell: false })])).return, '$0');
  assert.equal((await direct('cmd.shell', ['echo a | tr a b'])).return, 'b');
});

test('a missing program without a shell is an ERROR return; with a shell it is exit code 127', async () => {
  const r = await direct('cmd.run', ['salt-ts-no-such-program --x']);
  assert.equal(r.retcode, 1);
  assert.match(String(r.return), /^ERROR: Unable to run command '\['salt-ts-no-such-program', '--x'\]' with the context .*\[Errno 2\] No such file or directory: 'salt-ts-no-such-program'$/);
  assert.equal((await cli('cmd.retcode', ['salt-ts-no-such-program'])).return, 127);
});

test('cwd sets the working directory; a bad cwd is Salt\'s error', async () => {
  assert.equal((await cli('cmd.run', ['pwd', 'cwd=/tmp'])).return, '/tmp');
  assert.deepEqual(await cli('cmd.run', ['pwd', 'cwd=relative/dir']), {
    return: "ERROR: Specified cwd 'relative/dir' either not absolute or does not exist",
    retcode: 1,
    success: false,
    out: 'nested',
  });
});

test('env adds variables (dict or list of dicts), clean_env keeps only them, and the locale is C', async () => {
  assert.equal((await cli('cmd.run', ['echo $FOO-$BAR', kw({ env: { FOO: 'x', BAR: 1 } })])).return, 'x-1');
  assert.equal((await cli('cmd.run', ['echo $FOO', kw({ env: [{ FOO: 'listed' }] })])).return, 'listed');
  assert.equal((await cli('cmd.run', ['echo "$LC_MESSAGES"'])).return, 'C');
  const clean = String((await cli('cmd.run', ['env', kw({ env: { ONLY: 'me' }, clean_env: true, reset_system_locale: false })])).return);
  assert.deepEqual(clean.split('\n').filter((l) => !/^(PWD|SHLVL|_)=/.test(l)), ['ONLY=me']);
});

test('stdin feeds the command, with literal \\n turned into newlines', async () => {
  assert.equal((await cli('cmd.run', ['cat', kw({ stdin: 'one\\ntwo' })])).return, 'one\ntwo');
  assert.equal((await cli('cmd.run', ['wc -l', kw({ stdin: 'a\nb\nc\n' })])).return, '3');
});

test('a timeout kills the whole process group and returns Salt\'s timeout text', async () => {
  const pidFile = join(scratch, 'child.pid');
  const t0 = Date.now();
  const r = await cli('cmd.run', [`sleep 30 & echo $! > ${pidFile}; wait`, 'timeout=0.5']);
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(r.return, `sleep 30 & echo $! > ${pidFile}; wait : Timed out after 0.5 seconds`);
  assert.equal(r.retcode, 0, 'Salt does not set the job retcode for a timed-out cmd.run');
  const child = Number(readFileSync(pidFile, 'utf8'));
  await sleep(100);
  assert.equal(processAlive(child), false, 'the background grandchild was killed too');
  const all = (await direct('cmd.run_all', ['sleep 5', 'timeout=1'])).return as Record<string, unknown>;
  assert.equal(all.stdout, "['sleep', '5'] : Timed out after 1 seconds");
  assert.equal(all.retcode, 1);
});

test('aborting the job kills the command', async () => {
  const ac = new AbortController();
  const pidFile = join(scratch, 'abort.pid');
  const pending = runFunction(loader, 'cmd.run', [`echo $$ > ${pidFile}; exec sleep 30`], PUB, { signal: ac.signal });
  for (let i = 0; i < 100 && !existsSync(pidFile); i++) await sleep(20);
  ac.abort();
  const r = await pending;
  assert.equal(r.retcode, 1);
  await sleep(100);
  assert.equal(processAlive(Number(readFileSync(pidFile, 'utf8'))), false);
});

test('runas runs the command as another user with that user\'s environment', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
  assert.equal((await cli('cmd.run', ['id -un; echo $USER; pwd', 'runas=nobody'])).return, 'nobody\nnobody\n/');
  assert.equal((await cli('cmd.run', ['id -u', 'runas=salt-ts-no-such-user'])).return, "ERROR: User 'salt-ts-no-such-user' is not available");
});

test('umask applies to files the command creates', async () => {
  assert.equal((await cli('cmd.run', ['umask', kw({ umask: '077' })])).return, '0077');
  assert.equal((await cli('cmd.run', ['umask', kw({ umask: '000' })])).return, 'ERROR: Zero umask is not allowed.');
});

test('success_retcodes, ignore_retcode and hide_output shape the result', async () => {
  assert.deepEqual(await cli('cmd.run', ['echo x; exit 3', kw({ success_retcodes: [3] })]), { return: 'x', retcode: 0, success: true });
  assert.deepEqual(await cli('cmd.run', ['exit 3', 'success_retcodes=2,3']), { return: '', retcode: 0, success: true });
  assert.equal((await cli('cmd.run', ['exit 3', 'success_retcodes=abc'])).return, "ERROR executing 'cmd.run': success_retcodes must be a list of integers");
  assert.deepEqual(await cli('cmd.run', ['echo x; exit 3', 'ignore_retcode=True']), { return: 'x', retcode: 0, success: true });
  assert.equal((await cli('cmd.run', ['echo secret', 'hide_output=True'])).return, '');
  assert.deepEqual(
    { ...((await cli('cmd.run_all', ['echo a; echo b >&2', 'hide_output=True'])).return as object), pid: 0 },
    { pid: 0, retcode: 0, stdout: '', stderr: '' },
  );
  assert.equal((await cli('cmd.run', ['echo no; exit 1', 'raise_err=True'])).return, 'ERROR: no');
});

test('an unavailable shell and an unsupported template engine are errors', async () => {
  assert.equal((await cli('cmd.run', ['true', 'shell=/nonexistent/sh'])).return, 'ERROR: The shell /nonexistent/sh is not available');
  assert.match(String((await cli('cmd.run', ['true', 'template=jinja'])).return), /^ERROR: Attempted to render file paths with unavailable engine jinja$/);
});

test('cmd.run_bg and bg=True start the command without waiting', async () => {
  const t0 = Date.now();
  const r = await cli('cmd.run_bg', ['sleep 2']);
  const pid = (r.return as { pid: number }).pid;
  assert.ok(Date.now() - t0 < 1500);
  assert.equal(r.retcode, 0);
  assert.equal(processAlive(pid), true);
  process.kill(-pid, 'SIGKILL');
  assert.deepEqual(await cli('cmd.run', ['sleep 2', 'bg=True']), { return: '', retcode: 0, success: true });
});

test('cmd.exec_code runs code with the named interpreter; which/has_exec find programs', async () => {
  assert.equal((await direct('cmd.exec_code', ['sh', 'echo from code; echo $1', 'args=arg1'])).return, 'from code\narg1');
  assert.match(String((await direct('cmd.which', ['sh'])).return), /\/sh$/);
  assert.equal((await direct('cmd.has_exec', ['salt-ts-no-such-program'])).return, false);
});

test('commands refused by cmd_blacklist_glob are not run when published', async () => {
  const guarded = new Loader({ opts: { cmd_blacklist_glob: ['rm *'] } });
  const r = await runFunction(guarded, 'cmd.run', ['rm -rf /nonexistent-salt-ts'], PUB);
  assert.equal(r.return, 'ERROR: The shell command "rm -rf /nonexistent-salt-ts" is not permitted');
});
