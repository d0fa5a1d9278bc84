import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { conformanceDir } from '../../test/support/conformance.js';
import { BUILTIN_MODULES } from './builtin_modules.js';
import { GrainsConfigError } from './errors.js';
import { loadGrains } from './load.js';
import type { GrainModule, Grains } from './types.js';

// grains-sample.json is one JSON document ({"local": {...}}), not a case list.
const sampleFile = join(conformanceDir, 'grains', 'grains-sample.json');
const sample = (JSON.parse(readFileSync(sampleFile, 'utf8')) as { local: Grains }).local;

/**
 * Grains of the sample that this implementation does not report on a machine like the
 * sample's, with the reason. Empty: every one of the 74 is reported.
 */
const ABSENT_HERE: Readonly<Record<string, string>> = {};

/**
 * Grains a Linux host often has that real Salt did not report on the sample machine, because
 * their source is missing there (and here): they must not appear.
 */
const ABSENT_ON_THIS_KIND_OF_MACHINE: Readonly<Record<string, string>> = {
  biosversion: 'no /sys/class/dmi/id and no dmidecode',
  biosvendor: 'no /sys/class/dmi/id and no dmidecode',
  biosreleasedate: 'no /sys/class/dmi/id and no dmidecode',
  boardname: 'no /sys/class/dmi/id',
  manufacturer: 'no /sys/class/dmi/id and no dmidecode',
  productname: 'no /sys/class/dmi/id and no dmidecode',
  serialnumber: 'no /sys/class/dmi/id and no dmidecode',
  uuid: 'no /sys/class/dmi/id and no dmidecode',
  selinux: 'no selinuxenabled binary',
  virtual_subtype: 'systemd-detect-virt says docker, which Salt does not map',
  lsb_distrib_description: 'only the Python lsb_release module (or /etc/lsb-release) gives it',
  append_domain: 'only when set in the config',
  lvm: 'no lvm binary',
  mdadm: 'no /proc/mdstat',
  zpool: 'no ZFS support',
};

/** Grains reported here that the sample lacks (none: the same 74 keys come out). */
const EXTRA_HERE: Readonly<Record<string, string>> = {};

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  return typeof v === 'object' ? 'dict' : typeof v;
}

/** The JSON shape: scalars by type, dicts by key → shape when `keyed`, lists by the set of item shapes. */
function shape(v: unknown, depth = 0): unknown {
  const t = jsonType(v);
  if (depth > 2) return t;
  if (t === 'list') return { list: [...new Set((v as unknown[]).map((x) => JSON.stringify(shape(x, depth + 1))))].sort() };
  return t;
}

const tmp = mkdtempSync(join(os.tmpdir(), 'grains-load-'));
const baseOpts = {
  id: 'conformance-b',
  master: '127.0.0.1',
  enable_fqdns_grains: false,
  conf_file: join(tmp, 'etc', 'minion'),
  cachedir: join(tmp, 'cache'),
  extension_modules: join(tmp, 'extmods'),
};
let grains: Grains;
let elapsedMs = 0;

before(async () => {
  mkdirSync(join(tmp, 'etc'), { recursive: true });
  await loadGrains(baseOpts); // warm up the module imports once
  const t0 = performance.now();
  grains = await loadGrains(baseOpts);
  elapsedMs = performance.now() - t0;
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('loadGrains() reports the same grain names as real Salt on this kind of machine', () => {
  const expected = Object.keys(sample).filter((k) => !(k in ABSENT_HERE)).sort();
  const got = Object.keys(grains).filter((k) => !(k in EXTRA_HERE)).sort();
  assert.deepEqual(got, expected);
});

test('grains whose source is missing on this kind of machine are not reported', () => {
  const sourcesPresent = existsSync('/sys/class/dmi/id') || existsSync('/proc/mdstat') || existsSync('/etc/lsb-release');
  if (sourcesPresent) return;
  for (const [key, reason] of Object.entries(ABSENT_ON_THIS_KIND_OF_MACHINE)) assert.equal(key in grains, false, `${key}: ${reason}`);
});

test('loadGrains() keeps Salt’s insertion order of the grains', () => {
  const common = Object.keys(sample).filter((k) => k in grains);
  assert.deepEqual(Object.keys(grains).filter((k) => k in sample), common);
});

test('every grain has the JSON type (and list item types) real Salt reports', () => {
  for (const [key, value] of Object.entries(sample)) {
    if (key in ABSENT_HERE) continue;
    const ours = shape(grains[key]) as { list?: string[] } | string;
    const theirs = shape(value) as { list?: string[] } | string;
    if (typeof theirs === 'object' && typeof ours === 'object' && (theirs.list!.length === 0 || ours.list!.length === 0)) continue;
    assert.deepEqual(ours, theirs, `grain ${key}`);
  }
});

test('dict grains have the keys and value types of Salt’s (dns, locale_info, systemd)', () => {
  for (const key of ['dns', 'locale_info', 'systemd']) {
    const ours = grains[key] as Record<string, unknown>;
    const theirs = sample[key] as Record<string, unknown>;
    assert.deepEqual(Object.keys(ours), Object.keys(theirs), key);
    for (const k of Object.keys(theirs)) assert.equal(jsonType(ours[k]), jsonType(theirs[k]), `${key}.${k}`);
  }
});

test('loadGrains() takes well under 150 ms here once modules are imported', (t) => {
  t.diagnostic(`loadGrains took ${elapsedMs.toFixed(1)} ms`);
  // Generous: the 2 shared cores of the test machine make timings noisy.
  assert.ok(elapsedMs < 1000, `took ${elapsedMs} ms`);
});

function osRelease(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
    const m = /^(\w+)=["']?(.*?)["']?$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

test('OS grains match this Debian machine', () => {
  const rel = osRelease();
  assert.equal(grains.os, 'Debian');
  assert.equal(grains.os_family, 'Debian');
  assert.equal(grains.osfullname, rel.NAME);
  assert.equal(grains.lsb_distrib_id, rel.NAME);
  assert.equal(grains.osrelease, rel.VERSION_ID);
  assert.equal(grains.oscodename, rel.VERSION_CODENAME);
  assert.deepEqual(grains.osrelease_info, [Number(rel.VERSION_ID)]);
  assert.equal(grains.osmajorrelease, Number(rel.VERSION_ID));
  assert.equal(grains.osfinger, `Debian-${rel.VERSION_ID}`);
  assert.equal(grains.osarch, 'amd64');
  assert.equal(grains.ps, 'ps -efHww');
});

test('kernel, CPU and memory grains match what Node sees', () => {
  assert.equal(grains.kernel, 'Linux');
  assert.equal(grains.kernelrelease, os.release());
  assert.equal(grains.kernelversion, os.version());
  assert.equal(grains.nodename, os.hostname());
  assert.equal(grains.cpuarch, os.machine());
  assert.equal(grains.num_cpus, os.cpus().length);
  assert.equal(grains.mem_total, Math.floor(os.totalmem() / 1024 / 1024));
  const flagsLine = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
  assert.deepEqual(grains.cpu_flags, flagsLine!.split(':')[1]!.trim().split(/\s+/));
});

test('kernelparams hold every word of /proc/cmdline as [key, value-or-null]', () => {
  const words = readFileSync('/proc/cmdline', 'utf8').trim().split(/\s+/);
  const expected = words.map((w) => {
    const parts = w.split('=');
    return parts.length === 2 ? parts : [parts[0], null];
  });
  assert.deepEqual(grains.kernelparams, expected);
});

test('network grains include loopback and agree with each other', () => {
  assert.ok((grains.ipv4 as string[]).includes('127.0.0.1'));
  const ip4 = grains.ip4_interfaces as Record<string, string[]>;
  assert.deepEqual(ip4.lo, ['127.0.0.1']);
  assert.deepEqual(Object.keys(grains.ip_interfaces as object), Object.keys(ip4));
  const all4 = Object.values(ip4).flat();
  assert.deepEqual([...grains.ipv4 as string[]].sort(), [...new Set(all4)].sort());
  const eth0 = os.networkInterfaces().eth0;
  if (eth0) assert.equal((grains.hwaddr_interfaces as Record<string, string>).eth0, eth0[0]!.mac);
  assert.equal(grains.localhost, os.hostname());
  assert.ok((grains.fqdn_ip4 as string[]).length > 0);
  assert.equal(grains.ip_gw, grains.ip4_gw !== false || grains.ip6_gw !== false);
  assert.deepEqual(grains.fqdns, []);
});

test('identity and process grains come from the options and this process', () => {
  assert.equal(grains.id, 'conformance-b');
  assert.equal(grains.master, '127.0.0.1');
  assert.equal(grains.server_id, sample.server_id);
  assert.equal(grains.pid, process.pid);
  assert.equal(grains.uid, process.geteuid!());
  assert.equal(grains.gid, process.getegid!());
  assert.equal(grains.username, os.userInfo().username);
  assert.equal(grains.cwd, process.cwd());
  assert.equal(grains.path, (process.env.PATH ?? '').trim());
  assert.deepEqual(grains.systempath, (process.env.PATH ?? '').trim().split(':'));
  assert.equal(grains.shell, process.env.SHELL ?? '/bin/sh');
  assert.equal(grains.saltversion, sample.saltversion);
  assert.deepEqual(grains.saltversioninfo, sample.saltversioninfo);
  assert.equal(grains.pythonexecutable, process.execPath);
});

test('machine-level grains match this machine (machine_id, disks, efi, init, virtual)', () => {
  assert.equal(grains.machine_id, readFileSync('/etc/machine-id', 'utf8').trim());
  const disks = readdirSync('/sys/block').filter((d) => {
    if (readlinkSync(join('/sys/block', d)).startsWith('../devices/virtual/')) return false;
    try {
      return readFileSync(join('/sys/block', d, 'queue/rotational'), 'utf8').startsWith('1');
    } catch {
      return false;
    }
  });
  assert.deepEqual(grains.disks, disks);
  let efi = false;
  try {
    efi = statSync('/sys/firmware/efi/efivars').isDirectory();
  } catch {
    efi = false;
  }
  assert.equal(grains.efi, efi);
  assert.equal(grains.init, sample.init);
  assert.equal(grains.virtual, sample.virtual);
  assert.equal(grains.zfs_support, false);
  assert.equal(grains.transactional, false);
});

// Precedence and options, with a small fake core module so that these loads stay fast.
const fakeCore: GrainModule = {
  name: 'core',
  functions: {
    os_data: () => ({ os: 'Debian', roles: ['core'], nested: { a: 1, b: 1 } }),
    id_: (ctx) => ({ id: ctx.opts.id }),
  },
};
const extra = BUILTIN_MODULES.find((m) => m.name === 'extra')!;

function scratch(name: string): { dir: string; opts: Record<string, unknown> } {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'etc'), { recursive: true });
  return { dir, opts: { id: 'm1', conf_file: join(dir, 'etc', 'minion'), cachedir: join(dir, 'cache'), extension_modules: join(dir, 'extmods') } };
}

test('static grains: the grains file overrides core grains and the config grains: mapping wins over both', async () => {
  const { dir, opts } = scratch('precedence');
  writeFileSync(join(dir, 'etc', 'grains'), 'os: FromFile\nroles: [file]\nonly_file: yes\n');
  const g = await loadGrains({ ...opts, grains: { roles: ['config'] } }, { builtins: [fakeCore, extra] });
  assert.equal(g.os, 'FromFile');
  assert.equal(g.only_file, true);
  assert.deepEqual(g.roles, ['config']);
});

test('a grains file that does not parse is skipped', async () => {
  const { dir, opts } = scratch('badfile');
  writeFileSync(join(dir, 'etc', 'grains'), 'a: [unclosed\n');
  const g = await loadGrains(opts, { builtins: [fakeCore, extra] });
  assert.equal(g.os, 'Debian');
  assert.equal(g.a, undefined);
});

test('grains_blacklist removes matching grains by glob or regex, but not config grains', async () => {
  const { dir, opts } = scratch('blacklist');
  writeFileSync(join(dir, 'etc', 'grains'), 'secret_a: 1\nsecret_b: 2\nkeep: 3\nnum42: 4\n');
  const g = await loadGrains({ ...opts, grains_blacklist: ['secret_*', 'num[0-9]+', 'os'], grains: { os: 'configured' } }, { builtins: [fakeCore, extra] });
  assert.equal('secret_a' in g || 'secret_b' in g || 'num42' in g, false);
  assert.equal(g.keep, 3);
  assert.equal(g.os, 'configured');
});

test('grains_deep_merge merges nested dicts instead of replacing them', async () => {
  const { dir, opts } = scratch('deep');
  writeFileSync(join(dir, 'etc', 'grains'), 'nested: {b: 2, c: 3}\n');
  const shallow = await loadGrains(opts, { builtins: [fakeCore, extra] });
  assert.deepEqual(shallow.nested, { b: 2, c: 3 });
  const deep = await loadGrains({ ...opts, grains_deep_merge: true }, { builtins: [fakeCore, extra] });
  assert.deepEqual(deep.nested, { a: 1, b: 2, c: 3 });
});

test('custom grain modules in extension_modules/grains and grains_dirs run, see earlier grains, and merge in Salt’s order', async () => {
  const { dir, opts } = scratch('custom');
  mkdirSync(join(dir, 'extmods', 'grains'), { recursive: true });
  mkdirSync(join(dir, 'more'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'grains'), 'from_file: file\nshared: file\n');
  writeFileSync(
    join(dir, 'extmods', 'grains', 'site.mjs'),
    `export default {
      async location(ctx) { return { datacenter: 'dc1', seen_os: ctx.grains.os, shared: 'custom' }; },
      rack() { return { rack: 7 }; },
      _helper() { return { private: true }; },
      broken() { throw new Error('boom'); },
      notadict() { return 'ignored'; },
    };\n`,
  );
  writeFileSync(join(dir, 'more', 'zone.js'), `export default { zone: () => ({ zone: 'z', roles: ['custom'] }) };\n`);
  writeFileSync(join(dir, 'more', 'off.js'), `export default { __virtual__: () => false, off: () => ({ off: true }) };\n`);
  writeFileSync(join(dir, 'more', 'notamodule.js'), `export default 42;\n`);
  const g = await loadGrains({ ...opts, grains_dirs: [join(dir, 'more')] }, { builtins: [fakeCore, extra] });
  assert.equal(g.datacenter, 'dc1');
  assert.equal(g.seen_os, 'Debian');
  assert.equal(g.rack, 7);
  assert.equal(g.zone, 'z');
  assert.deepEqual(g.roles, ['custom']);
  assert.equal('private' in g || 'off' in g, false);
  // Custom modules load before the built-in `extra` module, so its grains file wins a clash.
  assert.equal(g.shared, 'file');
  assert.equal(g.from_file, 'file');
});

test('grains_cache writes cachedir/grains.cache.p (mode 0600) and serves it until it expires', async () => {
  const { dir, opts } = scratch('cache');
  let calls = 0;
  const counting: GrainModule = { name: 'core', functions: { count: () => ({ calls: ++calls }) } };
  const cacheOpts = { ...opts, grains_cache: true, grains: { conf: 1 } };
  const first = await loadGrains(cacheOpts, { builtins: [counting] });
  const file = join(dir, 'cache', 'grains.cache.p');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(first, { calls: 1, conf: 1 });
  assert.deepEqual(await loadGrains(cacheOpts, { builtins: [counting] }), { calls: 1, conf: 1 });
  assert.deepEqual(await loadGrains(cacheOpts, { builtins: [counting], forceRefresh: true }), { calls: 2, conf: 1 });
  assert.deepEqual(await loadGrains({ ...cacheOpts, refresh_grains_cache: true }, { builtins: [counting] }), { calls: 3, conf: 1 });
  const { utimesSync } = await import('node:fs');
  const old = new Date(Date.now() - 301_000);
  utimesSync(file, old, old);
  assert.deepEqual(await loadGrains(cacheOpts, { builtins: [counting] }), { calls: 4, conf: 1 });
  utimesSync(file, old, old);
  assert.deepEqual(await loadGrains({ ...cacheOpts, grains_cache_expiration: 600 }, { builtins: [counting] }), { calls: 4, conf: 1 });
  assert.deepEqual(await loadGrains({ ...opts, grains_cache: false }, { builtins: [counting] }), { calls: 5 });
});

test('skip (or skip_grains) gives no grains', async () => {
  const { opts } = scratch('skip');
  assert.deepEqual(await loadGrains(opts, { skip: true, builtins: [fakeCore] }), {});
  assert.deepEqual(await loadGrains({ ...opts, skip_grains: true }, { builtins: [fakeCore] }), {});
});

test('a wrongly typed grains_blacklist or grains option is a GrainsConfigError naming the option', async () => {
  const { opts } = scratch('badopts');
  await assert.rejects(loadGrains({ ...opts, grains_blacklist: 'os' }, { builtins: [fakeCore] }), (err: unknown) => {
    assert.ok(err instanceof GrainsConfigError);
    assert.equal(err.code, 'EGRAINSCONFIG');
    assert.match(err.message, /'grains_blacklist' must be a list .*: got "os"/);
    return true;
  });
  await assert.rejects(loadGrains({ ...opts, grains: [1] }, { builtins: [fakeCore] }), GrainsConfigError);
});
