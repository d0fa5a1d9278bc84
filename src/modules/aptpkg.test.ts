import assert from 'node:assert/strict';
import { acquireSystemLock } from '../../test/support/system_lock.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { hasApt } from './aptpkg.js';

const PKG = 'salt-ts-testpkg';
const skip = !hasApt() || process.getuid?.() !== 0 ? 'needs root on a Debian system with apt and dpkg' : false;
const loader = new Loader({ opts: { id: 'm1' } });
const call = (fun: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => loader.call(fun, args, kwargs);
const scratch = mkdtempSync(join(tmpdir(), 'salt-ts-pkg-'));

function purge(): void {
  try {
    execFileSync('dpkg', ['--purge', PKG], { stdio: 'ignore' });
  } catch {
    /* not installed */
  }
}

/** Builds a tiny .deb with one file, so installing needs no network. */
function buildDeb(version: string): string {
  const root = join(scratch, `build-${version}`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/share/salt-ts-testpkg'), { recursive: true });
  writeFileSync(join(root, 'usr/share/salt-ts-testpkg/hello.txt'), 'hello\n');
  writeFileSync(
    join(root, 'DEBIAN/control'),
    `Package: ${PKG}\nVersion: ${version}\nArchitecture: all\nMaintainer: salt-ts <salt-ts@example.invalid>\nDescription: salt-ts pkg module test package\n`,
  );
  const deb = join(scratch, `${PKG}_${version}_all.deb`);
  execFileSync('dpkg-deb', ['--build', '--root-owner-group', root, deb], { stdio: 'ignore' });
  return deb;
}

// apt/dpkg allow one user at a time: the package test files take turns.
let releaseDpkg: (() => void) | undefined;
before(async () => {
  releaseDpkg = await acquireSystemLock('dpkg');
});
after(() => releaseDpkg?.());

before(() => {
  if (!skip) purge();
});
after(() => {
  if (!skip) purge();
  rmSync(scratch, { recursive: true, force: true });
});

test('pkg is the aptpkg module on Debian', { skip }, async () => {
  assert.equal(await loader.provider('pkg'), 'aptpkg');
});

test('pkg.version and pkg.list_pkgs report installed versions like dpkg-query', { skip }, async () => {
  const dpkg = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'bash'], { encoding: 'utf8' });
  assert.equal(await call('pkg.version', ['bash']), dpkg);
  assert.equal(await call('pkg.version', ['salt-ts-no-such-package']), '');
  assert.deepEqual(await call('pkg.version', ['bash', 'salt-ts-no-such-package']), { bash: dpkg, 'salt-ts-no-such-package': '' });
  const pkgs = (await call('pkg.list_pkgs')) as Record<string, string>;
  assert.equal(pkgs.bash, dpkg);
  const asList = (await call('pkg.list_pkgs', [], { versions_as_list: true })) as Record<string, string[]>;
  assert.deepEqual(asList.bash, [dpkg]);
  assert.deepEqual(Object.keys(pkgs), Object.keys(pkgs).sort(), 'sorted by name');
});

test('pkg.install from a local .deb (sources) returns {name: {old, new}}, then upgrades and removes it', { skip }, async () => {
  const deb1 = buildDeb('1.0-1');
  const deb2 = buildDeb('1.1-1');
  try {
    assert.deepEqual(await call('pkg.install', [], { sources: [{ [PKG]: deb1 }] }), { [PKG]: { old: '', new: '1.0-1' } });
    assert.equal(await call('pkg.version', [PKG]), '1.0-1');
    const files = (await call('pkg.file_list', [PKG])) as { errors: string[]; files: string[] };
    assert.ok(files.files.includes('/usr/share/salt-ts-testpkg/hello.txt'));
    const info = (await call('pkg.info_installed', [PKG])) as Record<string, Record<string, string>>;
    assert.equal(info[PKG].version, '1.0-1');
    assert.equal(info[PKG].description, 'salt-ts pkg module test package');
    assert.deepEqual(await call('pkg.install', [], { sources: [{ [PKG]: deb2 }] }), { [PKG]: { old: '1.0-1', new: '1.1-1' } });
    assert.deepEqual(await call('pkg.install', [], { sources: [{ [PKG]: deb2 }] }), {}, 'same version again changes nothing');
    assert.deepEqual(await call('pkg.remove', [PKG]), { [PKG]: { old: '1.1-1', new: '' } });
    assert.deepEqual(await call('pkg.remove', [PKG]), {}, 'removing an absent package changes nothing');
    assert.equal(await call('pkg.version', [PKG]), '');
  } finally {
    purge();
  }
});

test('pkg.hold and pkg.unhold set the dpkg selection and report Salt-style results', { skip }, async () => {
  const deb = buildDeb('2.0-1');
  try {
    await call('pkg.install', [], { sources: [{ [PKG]: deb }] });
    assert.deepEqual(await call('pkg.hold', [PKG]), {
      [PKG]: { name: PKG, changes: { old: 'install', new: 'hold' }, result: true, comment: `Package ${PKG} is now being held.` },
    });
    assert.deepEqual(await call('pkg.get_selections', [PKG]), { hold: [PKG] });
    assert.equal((await call('pkg.hold', [PKG]) as Record<string, { comment: string }>)[PKG].comment, `Package ${PKG} is already set to be held.`);
    assert.deepEqual(await call('pkg.unhold', [PKG]), {
      [PKG]: { name: PKG, changes: { old: 'hold', new: 'install' }, result: true, comment: `Package ${PKG} is no longer being held.` },
    });
    await assert.rejects(call('pkg.hold'), /One of name, pkgs, or sources must be specified\./);
  } finally {
    purge();
  }
});

test('pkg.purge reports installed and removed changes', { skip }, async () => {
  const deb = buildDeb('3.0-1');
  try {
    await call('pkg.install', [], { sources: [{ [PKG]: deb }] });
    assert.deepEqual(await call('pkg.purge', [PKG]), { removed: {}, installed: { [PKG]: { old: '3.0-1', new: '' } } });
  } finally {
    purge();
  }
});

test('pkg.version_cmp compares Debian versions with dpkg', { skip }, async () => {
  assert.equal(await call('pkg.version_cmp', ['0.2.4-0ubuntu1', '0.2.4.1-0ubuntu1']), -1);
  assert.equal(await call('pkg.version_cmp', ['1:1.0', '2.0']), 1);
  assert.equal(await call('pkg.version_cmp', ['1:1.0', '1.0'], { ignore_epoch: true }), 0);
});

test('pkg.install of a package apt does not know fails with apt\'s message and retcode 1', { skip }, async () => {
  const r = await runFunction(loader, 'pkg.install', ['salt-ts-no-such-package-xyz']);
  assert.equal(r.retcode, 1);
  assert.match(String(r.return), /^ERROR: Problem encountered installing package\(s\)\. Additional info follows:\n\n/);
  assert.match(String(r.return), /Unable to locate package salt-ts-no-such-package-xyz/);
});

test('pkg.install with a relative source path is refused', { skip }, async () => {
  await assert.rejects(call('pkg.install', [], { sources: [{ foo: 'foo.deb' }] }), /Path foo\.deb for package foo is either not absolute/);
});

test('pkg.install and pkg.remove a small package from the Debian repository', { skip, timeout: 240_000 }, async (t) => {
  const policy = execFileSync('apt-cache', ['policy', 'hello'], { encoding: 'utf8' });
  if (!/Candidate: (?!\(none\))/.test(policy)) {
    t.skip('the apt cache has no candidate for "hello" (run apt-get update with network access)');
    return;
  }
  if ((await call('pkg.version', ['hello'])) !== '') {
    t.skip('"hello" is already installed on this machine; leaving it alone');
    return;
  }
  try {
    const ret = (await call('pkg.install', ['hello'])) as Record<string, { old: string; new: string }>;
    if (!ret.hello) {
      t.skip('apt could not download "hello" (no network to the Debian mirror)');
      return;
    }
    assert.equal(ret.hello.old, '');
    assert.match(ret.hello.new, /^\d/);
    assert.equal(await call('pkg.latest_version', ['hello'], { refresh: false }), '', 'the latest version is installed');
    assert.deepEqual(await call('pkg.remove', ['hello']), { hello: { old: ret.hello.new, new: '' } });
  } catch (err) {
    if (/Temporary failure|Could not resolve|Failed to fetch/.test(String((err as Error).message))) {
      t.skip('no network to the Debian mirror');
      return;
    }
    throw err;
  } finally {
    try {
      execFileSync('dpkg', ['--purge', 'hello'], { stdio: 'ignore' });
    } catch {
      /* not installed */
    }
  }
});
