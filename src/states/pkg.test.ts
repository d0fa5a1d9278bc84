import assert from 'node:assert/strict';
import { acquireSystemLock } from '../../test/support/system_lock.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hasApt } from '../modules/aptpkg.js';
import { applyStates } from '../state/apply.js';
import { caseFiles, caseLoader } from '../state/_replay.js';

const PKG = 'salt-ts-statepkg';
const skip = !hasApt() || process.getuid?.() !== 0 ? 'needs root on a Debian system with apt and dpkg' : false;
const scratch = mkdtempSync(join(tmpdir(), 'salt-ts-pkgstate-'));

function purge(): void {
  try {
    execFileSync('dpkg', ['--purge', PKG], { stdio: 'ignore' });
  } catch {
    /* not installed */
  }
}

// apt/dpkg allow one user at a time: the package test files take turns.
let releaseDpkg: (() => void) | undefined;
before(async () => {
  releaseDpkg = await acquireSystemLock('dpkg');
});
after(() => releaseDpkg?.());

after(() => {
  if (!skip) purge();
  rmSync(scratch, { recursive: true, force: true });
});

/** Builds a tiny .deb with one file, so installing needs no network. */
function buildDeb(version: string): string {
  const root = join(scratch, `build-${version}`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, `usr/share/${PKG}`), { recursive: true });
  writeFileSync(join(root, `usr/share/${PKG}/hello.txt`), `hello ${version}\n`);
  writeFileSync(
    join(root, 'DEBIAN/control'),
    `Package: ${PKG}\nVersion: ${version}\nArchitecture: all\nMaintainer: salt-ts <salt-ts@example.invalid>\nDescription: salt-ts pkg state test package\n`,
  );
  const deb = join(scratch, `${PKG}_${version}_all.deb`);
  execFileSync('dpkg-deb', ['--build', '--root-owner-group', root, deb], { stdio: 'ignore' });
  return deb;
}

async function apply(sls: string, test = false): Promise<Record<string, any>> {
  const out = await applyStates({ mods: ['main'], test, fileClient: caseFiles({ base: { 'main.sls': sls } }), caller: caseLoader().makeContext() });
  assert.ok('states' in out, JSON.stringify(out));
  return Object.values(out.states)[0] as Record<string, any>;
}

const summary = (r: Record<string, any>) => [r.result, r.comment, r.changes];

test('pkg.installed from sources installs once, upgrades, and then reports everything installed', { skip }, async () => {
  purge();
  const deb1 = buildDeb('1.0-1');
  const deb2 = buildDeb('1.1-1');
  const fromSource = (deb: string) => `p:\n  pkg.installed:\n    - sources:\n      - ${PKG}: ${deb}\n`;
  try {
    assert.deepEqual(summary(await apply(fromSource(deb1), true)), [
      null, `The following packages would be installed/updated: ${PKG}`, { [PKG]: { new: 'installed', old: '' } },
    ]);
    assert.deepEqual(summary(await apply(fromSource(deb1))), [
      true, `The following packages were installed/updated: ${PKG}`, { [PKG]: { old: '', new: '1.0-1' } },
    ]);
    assert.deepEqual(summary(await apply(fromSource(deb1))), [true, 'All specified packages are already installed', {}]);
    assert.deepEqual(summary(await apply(fromSource(deb2), true))[0], null, 'a newer .deb would be installed');
    assert.deepEqual(summary(await apply(fromSource(deb2))), [
      true, `The following packages were installed/updated: ${PKG}`, { [PKG]: { old: '1.0-1', new: '1.1-1' } },
    ]);
    assert.deepEqual(summary(await apply(`${PKG}:\n  pkg.installed: []\n`)), [true, 'All specified packages are already installed', {}]);
    assert.deepEqual(summary(await apply(`${PKG}:\n  pkg.installed:\n    - version: 1.1-1\n`)), [
      true, 'All specified packages are already installed and are at the desired version', {},
    ]);
    assert.deepEqual(summary(await apply(`${PKG}:\n  pkg.latest: []\n`)), [true, `Package ${PKG} is already up-to-date`, {}]);
  } finally {
    purge();
  }
});

test('pkg.installed with hold holds and unholds an installed package', { skip }, async () => {
  purge();
  const deb = buildDeb('2.0-1');
  try {
    execFileSync('dpkg', ['-i', deb], { stdio: 'ignore' });
    const held = await apply(`${PKG}:\n  pkg.installed:\n    - hold: true\n`);
    assert.deepEqual(summary(held), [
      true, `All specified packages are already installed.\nPackage ${PKG} is now being held.`, { [PKG]: { old: 'install', new: 'hold' } },
    ]);
    const again = await apply(`${PKG}:\n  pkg.installed:\n    - hold: true\n`);
    assert.deepEqual(summary(again), [true, `All specified packages are already installed.\nPackage ${PKG} is already set to be held.`, {}]);
    const unheld = await apply(`${PKG}:\n  pkg.installed:\n    - hold: false\n`);
    assert.deepEqual(summary(unheld)[2], { [PKG]: { old: 'hold', new: 'install' } });
  } finally {
    purge();
  }
});

test('pkg.removed and pkg.purged remove once, predict in test mode, then report absent', { skip }, async () => {
  purge();
  const deb = buildDeb('3.0-1');
  try {
    execFileSync('dpkg', ['-i', deb], { stdio: 'ignore' });
    const sls = `${PKG}:\n  pkg.removed: []\n`;
    assert.deepEqual(summary(await apply(sls, true)), [null, `The following packages will be removed: ${PKG}.`, { [PKG]: { new: 'removed', old: '' } }]);
    assert.deepEqual(summary(await apply(sls)), [true, 'All targeted packages were removed.', { [PKG]: { old: '3.0-1', new: '' } }]);
    assert.deepEqual(summary(await apply(sls)), [true, 'All specified packages are already absent', {}]);
    assert.deepEqual(summary(await apply(`${PKG}:\n  pkg.purged: []\n`)), [true, 'None of the targeted packages are installed or partially installed', {}]);
    execFileSync('dpkg', ['-i', deb], { stdio: 'ignore' });
    assert.deepEqual(summary(await apply(`${PKG}:\n  pkg.purged: []\n`)), [
      true, 'All targeted packages were purged.', { removed: {}, installed: { [PKG]: { old: '3.0-1', new: '' } } },
    ]);
  } finally {
    purge();
  }
});

test('pkg.installed with an empty pkgs list has nothing to do', async () => {
  assert.deepEqual(summary(await apply('p:\n  pkg.installed:\n    - pkgs: []\n')), [true, 'No packages to install provided', {}]);
});
