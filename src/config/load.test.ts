import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { copyOptions } from './copy_options.js';
import { ConfigError } from './errors.js';
import { configFilePath, loadMasterConfig, loadMinionConfig, type LoadMinionConfigOptions } from './load.js';
import type { HostInfo } from './minion_id.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temp config dir holding `files` (relative path → text). */
function configDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'salt-ts-config-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** A host whose FQDN is web01.example.com; real files are read only for the id cache. */
const fakeHost: HostInfo = {
  hostname: () => 'web01',
  fqdn: () => 'web01.example.com',
  readFile: (path) => {
    if (!path.endsWith('minion_id')) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  ipAddrs: () => ['10.0.0.5'],
};

const quiet = { env: {}, host: fakeHost, warn: () => {} };

function master(files: Record<string, string>, extra: Record<string, unknown> = {}) {
  const dir = configDir(files);
  return { dir, opts: loadMasterConfig({ configDir: dir, ...quiet, ...extra }) };
}

function minion(files: Record<string, string>, extra: Partial<LoadMinionConfigOptions> = {}) {
  const dir = configDir(files);
  return { dir, opts: loadMinionConfig({ configDir: dir, ...quiet, ...extra }) };
}

test('loadMasterConfig without a config file gives Salt defaults', () => {
  const { dir, opts } = master({});
  assert.equal(opts.interface, '0.0.0.0');
  assert.equal(opts.publish_port, 4505);
  assert.equal(opts.ret_port, 4506);
  assert.equal(opts.worker_threads, 5);
  assert.equal(opts.timeout, 5);
  assert.equal(opts.gather_job_timeout, 10);
  assert.equal(opts.keep_jobs_seconds, 86400);
  assert.equal(opts.keysize, 2048);
  assert.equal(opts.hash_type, 'sha256');
  assert.equal(opts.auto_accept, false);
  assert.equal(opts.open_mode, false);
  assert.equal(opts.sign_pub_messages, true);
  assert.equal(opts.loop_interval, 60);
  assert.equal(opts.log_level, 'warning');
  assert.equal(opts.log_level_logfile, null);
  assert.equal(opts.minion_data_cache, true);
  assert.equal(opts.max_minions, 0);
  assert.deepEqual(opts.nodegroups, {});
  assert.deepEqual(opts.file_roots, { base: ['/srv/salt', '/srv/spm/salt'] });
  assert.deepEqual(opts.pillar_roots, { base: ['/srv/pillar', '/srv/spm/pillar'] });
  assert.equal(opts.root_dir, '/');
  assert.equal(opts.pki_dir, '/etc/salt/pki/master');
  assert.equal(opts.cachedir, '/var/cache/salt/master');
  assert.equal(opts.sock_dir, '/var/run/salt/master');
  assert.equal(opts.log_file, '/var/log/salt/master');
  assert.equal(opts.pidfile, '/var/run/salt-master.pid');
  assert.equal(opts.token_dir, '/var/cache/salt/master/tokens');
  assert.equal(opts.extension_modules, '/var/cache/salt/master/extmods');
  assert.equal(opts.autosign_file, undefined);
  // Salt only sets conf_file when it read the file.
  assert.equal(opts.conf_file, '/etc/salt/master');
  assert.equal(opts.config_dir, dir);
  assert.equal(opts.__role, 'master');
});

test('loadMinionConfig without a config file gives Salt defaults', () => {
  const { opts } = minion({}, { minionId: 'm1' });
  assert.equal(opts.master, 'salt');
  assert.equal(opts.master_port, 4506);
  assert.equal(opts.acceptance_wait_time, 10);
  assert.equal(opts.acceptance_wait_time_max, 0);
  assert.equal(opts.auth_timeout, 5);
  assert.equal(opts.auth_tries, 7);
  assert.equal(opts.pki_dir, '/etc/salt/pki/minion');
  assert.equal(opts.cachedir, '/var/cache/salt/minion');
  assert.equal(opts.sock_dir, '/var/run/salt/minion');
  assert.equal(opts.log_file, '/var/log/salt/minion');
  assert.equal(opts.file_client, 'remote');
  assert.equal(opts.master_finger, '');
  assert.deepEqual(opts.grains, {});
  assert.equal(opts.recon_default, 1000);
  assert.equal(opts.recon_max, 10000);
  assert.equal(opts.recon_randomize, true);
  assert.equal(opts.return_retry_timer, 5);
  assert.equal(opts.sign_pub_messages, false);
  assert.equal(opts.loop_interval, 1);
  assert.deepEqual(opts.beacons, {});
  assert.equal(opts.id, 'm1');
  assert.equal(opts.__role, 'minion');
});

test('loadMasterConfig reads <configDir>/master and keeps unknown options', () => {
  const { dir, opts } = master({ master: 'publish_port: 4605\nmy_custom_option:\n  nested: [1, 2]\n' });
  assert.equal(opts.publish_port, 4605);
  assert.deepEqual(opts.my_custom_option, { nested: [1, 2] });
  assert.equal(opts.conf_file, join(dir, 'master'));
});

test('configFilePath honours SALT_CONFIG_DIR and SALT_MASTER_CONFIG like Salt', () => {
  const dir = configDir({ master: 'ret_port: 1\n', 'other/master.conf': 'ret_port: 2\n' });
  assert.equal(configFilePath('master', { env: {} }), '/etc/salt/master');
  assert.equal(configFilePath('master', { env: { SALT_CONFIG_DIR: dir } }), join(dir, 'master'));
  const custom = join(dir, 'other/master.conf');
  assert.equal(configFilePath('master', { env: { SALT_MASTER_CONFIG: custom } }), custom);
  // An explicit -c wins over the variable naming a file.
  assert.equal(configFilePath('master', { configDir: dir, env: { SALT_MASTER_CONFIG: custom } }), join(dir, 'master'));
  // A variable naming a missing file is ignored.
  assert.equal(configFilePath('minion', { env: { SALT_MINION_CONFIG: join(dir, 'nope') } }), '/etc/salt/minion');
  assert.equal(configFilePath('minion', { configFile: custom }), custom);
});

test('master.d/*.conf files override the main file, later files winning', () => {
  const { opts } = master({
    master: 'publish_port: 4605\nret_port: 4606\nworker_threads: 2\n',
    'master.d/10-ports.conf': 'publish_port: 4705\n',
    'master.d/20-more.conf': 'publish_port: 4805\nworker_threads: 9\n',
    'master.d/notconf.txt': 'ret_port: 1\n',
  });
  assert.equal(opts.publish_port, 4805);
  assert.equal(opts.ret_port, 4606);
  assert.equal(opts.worker_threads, 9);
});

test('included files replace a top-level option of the main file but deep-merge among themselves', () => {
  const { opts } = master({
    master: 'file_roots:\n  base: [/srv/main]\n  dev: [/srv/dev]\n',
    'master.d/a.conf': 'file_roots:\n  base: [/srv/a]\n',
    'master.d/b.conf': 'file_roots:\n  base: [/srv/b]\n  qa: [/srv/qa]\n',
  });
  // Salt: the includes are merged with lists joined, then the result replaces the main file's key.
  assert.deepEqual(opts.file_roots, { base: ['/srv/a', '/srv/b'], qa: ['/srv/qa'] });
});

test('a custom default_include is read relative to the config file', () => {
  const { opts } = master({ master: 'default_include: conf.d/*.yml\n', 'conf.d/x.yml': 'timeout: 30\n', 'master.d/y.conf': 'timeout: 99\n' });
  assert.equal(opts.timeout, 30);
});

test('include: globs are read relative to the config dir, after master.d', () => {
  const { opts } = master({
    master: 'include:\n  - extra/*.conf\n  - single.yml\n',
    'extra/a.conf': 'timeout: 11\n',
    'extra/b.conf': 'gather_job_timeout: 22\n',
    'single.yml': 'keep_jobs_seconds: 33\n',
    'master.d/a.conf': 'timeout: 1\n',
  });
  assert.equal(opts.timeout, 11);
  assert.equal(opts.gather_job_timeout, 22);
  assert.equal(opts.keep_jobs_seconds, 33);
});

test('include: as a single string and nested includes relative to the included file', () => {
  const { opts } = master({
    master: 'include: sub/first.conf\n',
    'sub/first.conf': 'include: second.conf\ntimeout: 1\n',
    'sub/second.conf': 'timeout: 2\nloop_interval: 7\n',
  });
  assert.equal(opts.timeout, 2);
  assert.equal(opts.loop_interval, 7);
});

test('an include: glob matching nothing is a warning with Salt’s message, a missing master.d is silent', () => {
  const warnings: string[] = [];
  const dir = configDir({ master: 'include: nothing/*.conf\n' });
  loadMasterConfig({ configDir: dir, env: {}, host: fakeHost, warn: (m) => warnings.push(m) });
  assert.deepEqual(warnings, [
    `Warning parsing configuration file: "include" path/glob '${join(dir, 'nothing/*.conf')}' matches no files`,
  ]);
});

test('root_dir is put in front of the path options of the master', () => {
  const root = configDir({});
  const { opts } = master({
    master: `root_dir: ${root}\nautosign_file: /etc/salt/autosign.conf\nsqlite_queue_dir: queues\nkey_logfile: udp://loghost:514\n`,
  });
  assert.equal(opts.pki_dir, join(root, 'etc/salt/pki/master'));
  assert.equal(opts.cachedir, join(root, 'var/cache/salt/master'));
  assert.equal(opts.sock_dir, join(root, 'var/run/salt/master'));
  assert.equal(opts.pidfile, join(root, 'var/run/salt-master.pid'));
  assert.equal(opts.log_file, join(root, 'var/log/salt/master'));
  assert.equal(opts.extension_modules, join(root, 'var/cache/salt/master/extmods'));
  assert.equal(opts.token_dir, join(root, 'var/cache/salt/master/tokens'));
  assert.equal(opts.autosign_file, join(root, 'etc/salt/autosign.conf'));
  assert.equal(opts.sqlite_queue_dir, join(root, 'queues'));
  assert.equal(opts.key_logfile, 'udp://loghost:514');
  // Not a root_dir option in Salt.
  assert.deepEqual(opts.file_roots, { base: ['/srv/salt', '/srv/spm/salt'] });
});

test('a path already under root_dir is not prefixed twice', () => {
  const root = configDir({});
  const { opts } = minion({ minion: `root_dir: ${root}\npki_dir: ${root}/pki\ncachedir: /cache\n` }, { minionId: 'm' });
  assert.equal(opts.pki_dir, join(root, 'pki'));
  assert.equal(opts.cachedir, join(root, 'cache'));
  // Salt's rule: a sock_dir more than 10 characters longer than cachedir moves under cachedir.
  assert.equal(opts.sock_dir, join(root, 'cache/.salt-unix'));
});

test('log_dir moves the default log_file into it', () => {
  const { opts } = minion({ minion: 'log_dir: /logs\n' }, { minionId: 'm' });
  assert.equal(opts.log_file, '/logs/minion');
});

test('overrides apply over the files and before root_dir', () => {
  const root = configDir({});
  const { opts } = master({ master: 'timeout: 9\n' }, { overrides: { timeout: 20, root_dir: root } });
  assert.equal(opts.timeout, 20);
  assert.equal(opts.pki_dir, join(root, 'etc/salt/pki/master'));
});

test('the minion id is computed from the FQDN and cached under root_dir when asked', () => {
  const root = configDir({});
  const { opts } = minion({ minion: `root_dir: ${root}\n` }, { cacheMinionId: true });
  assert.equal(opts.id, 'web01.example.com');
  assert.equal(readFileSync(join(root, 'etc/salt/minion_id'), 'utf8'), 'web01.example.com');
});

test('the cached minion_id file wins over the FQDN, without writing when not asked', () => {
  const root = configDir({ 'etc/salt/minion_id': '\uFEFFcached-id\n' });
  const { opts } = minion({ minion: `root_dir: ${root}\n` });
  assert.equal(opts.id, 'cached-id');
  const other = configDir({});
  minion({ minion: `root_dir: ${other}\n` });
  assert.throws(() => readFileSync(join(other, 'etc/salt/minion_id')), /ENOENT/);
});

test('minion_id_caching: False ignores the cache; lowercase and remove_domain apply', () => {
  const root = configDir({ 'etc/salt/minion_id': 'cached-id\n' });
  const host = { ...fakeHost, fqdn: () => 'WEB01.Example.com' };
  const { opts } = minion(
    { minion: `root_dir: ${root}\nminion_id_caching: False\nminion_id_lowercase: True\nminion_id_remove_domain: example.com\n` },
    { host },
  );
  assert.equal(opts.id, 'web01');
});

test('a configured numeric id becomes a string and append_domain is added', () => {
  const { opts } = minion({ minion: 'id: 1234\nappend_domain: example.org\n' });
  assert.equal(opts.id, '1234.example.org');
});

test('the master id is the minion id with _master appended', () => {
  const root = configDir({});
  const { opts } = master({ master: `root_dir: ${root}\n` });
  assert.equal(opts.id, 'web01.example.com_master');
});

test('the master id asks the resolver only when first read, and is checked then', () => {
  const root = configDir({});
  let lookups = 0;
  const countingHost: HostInfo = { ...fakeHost, fqdn: (name) => (lookups++, fakeHost.fqdn(name)) };
  const { opts } = master({ master: `root_dir: ${root}\n` }, { host: countingHost });
  const copy = copyOptions(opts, { color: false });
  assert.equal(lookups, 0);
  assert.equal(copy.id, 'web01.example.com_master');
  assert.equal(opts.id, 'web01.example.com_master');
  assert.equal(opts.id, 'web01.example.com_master');
  assert.equal(lookups, 1);
  const bad = master({ master: `root_dir: ${root}\n` }, { host: { ...fakeHost, fqdn: () => 'web/01' } }).opts;
  assert.throws(() => bad.id, (err: unknown) => err instanceof ConfigError && err.option === 'id' && /^Cannot start master as 'id' must be a valid minion id .*got 'web\/01_master'$/.test(err.message));
});

test('append_minionid_config_dirs puts the id under cachedir and pidfile', () => {
  const { opts } = minion({ minion: 'id: m7\nappend_minionid_config_dirs: [cachedir, pidfile]\n' });
  assert.equal(opts.cachedir, '/var/cache/salt/minion/m7');
  assert.equal(opts.pidfile, '/var/run/salt/m7/salt-minion.pid');
});

test('master may be a list of masters', () => {
  const { opts } = minion({ minion: 'master:\n  - m1.example.com\n  - m2.example.com\nmaster_port: "4606"\n' }, { minionId: 'x' });
  assert.deepEqual(opts.master, ['m1.example.com', 'm2.example.com']);
  assert.equal(opts.master_port, 4606);
});

test('nodegroups: with no value and the dictlist form become a mapping', () => {
  assert.deepEqual(master({ master: 'nodegroups:\n' }).opts.nodegroups, {});
  assert.deepEqual(master({ master: 'nodegroups:\n  - web: "web*"\n  - db: "db*"\n' }).opts.nodegroups, { web: 'web*', db: 'db*' });
});

test('file_roots entries with nothing under them become empty lists', () => {
  const { opts } = master({ master: 'file_roots:\n  base:\n  dev: [/srv/dev]\n' });
  assert.deepEqual(opts.file_roots, { base: [], dev: ['/srv/dev'] });
});

test('hash_type is lowercased; auto_accept: yes is a boolean', () => {
  const { opts } = master({ master: 'hash_type: SHA512\nauto_accept: yes\n' });
  assert.equal(opts.hash_type, 'sha512');
  assert.equal(opts.auto_accept, true);
});

function assertConfigError(fn: () => unknown, message: string, fields: Partial<ConfigError> = {}): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'ECONFIG');
    assert.equal(err.message, message);
    for (const [k, v] of Object.entries(fields)) assert.deepEqual((err as unknown as Record<string, unknown>)[k], v, k);
    return true;
  });
}

test('a bad publish_port names the file, the line, the constraint and the value', () => {
  const dir = configDir({ master: '# ports\ninterface: 0.0.0.0\n\npublish_port: abc\n' });
  assertConfigError(
    () => loadMasterConfig({ configDir: dir, ...quiet }),
    `Cannot start master as 'publish_port' must be a port number (1-65535): got 'abc' in ${join(dir, 'master')} line 4`,
    { option: 'publish_port', line: 4, file: join(dir, 'master'), value: 'abc' },
  );
});

test('a bad value in master.d names the included file and its line', () => {
  const dir = configDir({ master: 'ret_port: 4506\n', 'master.d/x.conf': '\nret_port: 70000\n' });
  assertConfigError(
    () => loadMasterConfig({ configDir: dir, ...quiet }),
    `Cannot start master as 'ret_port' must be a port number (1-65535): got 70000 in ${join(dir, 'master.d/x.conf')} line 2`,
  );
});

const BAD_OPTIONS: Array<[role: 'master' | 'minion', line: string, message: string]> = [
  ['master', 'worker_threads: 0', "'worker_threads' must be an integer of at least 1: got 0"],
  ['master', 'timeout: soon', "'timeout' must be a number of seconds (at least 0): got 'soon'"],
  ['master', 'gather_job_timeout: -1', "'gather_job_timeout' must be a number of seconds (at least 0): got -1"],
  ['master', 'auto_accept: maybe', "'auto_accept' must be a boolean (True or False): got 'maybe'"],
  ['master', 'log_level: loud', "'log_level' must be one of all, garbage, trace, debug, profile, info, warning, error, critical, quiet: got 'loud'"],
  ['master', 'hash_type: crc32', "'hash_type' must be a hash name, one of md5, sha1, sha224, sha256, sha384, sha512: got 'crc32'"],
  ['master', 'file_roots: /srv/salt', "'file_roots' must be a mapping of environment names to lists of directories: got '/srv/salt'"],
  ['master', 'pillar_roots: {base: /srv/pillar}', "'pillar_roots' must be a mapping of environment names to lists of directories: got {'base': '/srv/pillar'}"],
  ['master', 'id: a/b', "'id' must be a valid minion id (a non-empty string without '/', '\\' or NUL, not '.' or '..'): got 'a/b'"],
  ['minion', 'master: 42', "'master' must be a host name or a list of host names: got 42"],
  ['minion', 'master_port: 0', "'master_port' must be a port number (1-65535): got 0"],
  ['minion', 'id: ..', "'id' must be a valid minion id (a non-empty string without '/', '\\' or NUL, not '.' or '..'): got '..'"],
  ['minion', 'auth_tries: 1.5', "'auth_tries' must be an integer of at least 1: got 1.5"],
  ['minion', 'acceptance_wait_time: [1]', "'acceptance_wait_time' must be a number of seconds (at least 0): got [1]"],
  ['minion', 'file_client: ftp', "'file_client' must be one of remote, local: got 'ftp'"],
  ['minion', 'recon_randomize: 1', "'recon_randomize' must be a boolean (True or False): got 1"],
  ['minion', 'encryption_algorithm: RSA', "'encryption_algorithm' must be one of OAEP-SHA1, OAEP-SHA224: got 'RSA'"],
];

for (const [role, line, message] of BAD_OPTIONS) {
  test(`a bad option is refused with its line: ${role} ${line}`, () => {
    const dir = configDir({ [role]: `# comment\n${line}\n` });
    const load = role === 'master' ? loadMasterConfig : loadMinionConfig;
    assertConfigError(
      () => load({ configDir: dir, ...quiet, minionId: 'x' } as LoadMinionConfigOptions),
      `Cannot start ${role} as ${message} in ${join(dir, role)} line 2`,
    );
  });
}

test('a bad override has no file or line', () => {
  const dir = configDir({});
  assertConfigError(
    () => loadMasterConfig({ configDir: dir, ...quiet, overrides: { ret_port: 'x' } }),
    "Cannot start master as 'ret_port' must be a port number (1-65535): got 'x'",
    { file: undefined, line: undefined },
  );
});

test('a YAML syntax error names the file, the line and the column', () => {
  const dir = configDir({ minion: 'master: salt\nmaster_port: [4506\nid: x\n' });
  assert.throws(
    () => loadMinionConfig({ configDir: dir, ...quiet }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.file === join(dir, 'minion') &&
      err.line === 3 &&
      err.column === 1 &&
      err.message.startsWith(`Cannot start minion: YAML syntax error in ${join(dir, 'minion')} line 3 column 1: `),
  );
});

test('a YAML syntax error in an included file names that file', () => {
  const dir = configDir({ 'minion.d/bad.conf': 'a: 1\na: 2\n' });
  assert.throws(
    () => loadMinionConfig({ configDir: dir, ...quiet, minionId: 'x' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message.startsWith(`Cannot start minion: YAML syntax error in ${join(dir, 'minion.d/bad.conf')} line 2 column 1`),
  );
});

test('numeric strings for numeric options become numbers; sdb:// values are left for later', () => {
  const { opts } = master({ master: 'publish_port: "4605"\ntimeout: "2.5"\nkeep_jobs_seconds: sdb://vault/keep\n' });
  assert.equal(opts.publish_port, 4605);
  assert.equal(opts.timeout, 2.5);
  assert.equal(opts.keep_jobs_seconds, 'sdb://vault/keep');
});
