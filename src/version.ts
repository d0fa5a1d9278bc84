/**
 * The Salt version salt-ts advertises (`salt --version`, `test.version`, grains `saltversion`)
 * and the versions report (`salt --versions-report`, `test.versions_report`).
 *
 * package.json carries `3006.10.0` because npm needs three numbers; Salt's own version string
 * for that release is `3006.10`.
 */
import { readFileSync } from 'node:fs';
import { arch, release, type } from 'node:os';

/** Salt's version string, as `salt.version.__version__` prints it. */
export const SALT_VERSION = '3006.10';

/** Salt's version as the tuple-like numbers Salt reports in `saltversioninfo` grains. */
export const SALT_VERSION_INFO: readonly number[] = [3006, 10];

/** Reads a `/etc/os-release` style file into a map; empty when it cannot be read. */
function readOsRelease(path = '/etc/os-release'): Record<string, string> {
  const out: Record<string, string> = {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    out[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

/** Version of an installed dependency, or null when it is not installed. */
function dependencyVersion(name: string): string | null {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    const alt = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    for (const candidate of [url, alt]) {
      try {
        return JSON.parse(readFileSync(candidate, 'utf8')).version ?? null;
      } catch {
        /* try the next location (src/ vs dist/src/) */
      }
    }
  } catch {
    /* not installed */
  }
  return null;
}

/**
 * The versions report as Salt prints it: sections `Salt Version:`, `Dependency Versions:` and
 * `System Versions:`, each entry right-aligned on the longest name (at least the width of
 * "Not Installed") and each section closed by a line holding one space.
 * There is no Python here, so the Python section names the Node.js runtime instead.
 */
export function versionsReport(): string[] {
  const osr = readOsRelease();
  const sections: Array<[string, Record<string, string | null>]> = [
    ['Salt Version', { Salt: SALT_VERSION }],
    ['Node.js Version', { 'Node.js': process.versions.node }],
    [
      'Dependency Versions',
      {
        msgpackr: dependencyVersion('msgpackr'),
        zeromq: dependencyVersion('zeromq'),
        yaml: dependencyVersion('yaml'),
        'ipaddr.js': dependencyVersion('ipaddr.js'),
        OpenSSL: process.versions.openssl ?? null,
        libuv: process.versions.uv ?? null,
      },
    ],
    [
      'System Versions',
      {
        dist: [osr.ID, osr.VERSION_ID, osr.VERSION_CODENAME].filter(Boolean).join(' ') || null,
        locale: 'utf-8',
        machine: arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : arch(),
        release: release(),
        system: type(),
        version: osr.PRETTY_NAME ? osr.PRETTY_NAME.replace(/[()]/g, '') : null,
      },
    ],
  ];
  const notInstalled = 'Not Installed';
  const pad =
    Math.max(notInstalled.length, ...sections.slice(2).flatMap(([, s]) => Object.keys(s).map((k) => k.length))) + 1;
  const lines: string[] = [];
  for (const [title, entries] of sections) {
    lines.push(`${title}:`);
    for (const name of Object.keys(entries).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))) {
      lines.push(`${name.padStart(pad)}: ${entries[name] ?? notInstalled}`);
    }
    lines.push(' ');
  }
  return lines;
}
