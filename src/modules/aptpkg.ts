/**
 * Salt's `pkg` execution module on Debian-family minions (Salt's file: aptpkg.py): install,
 * remove and upgrade packages with apt-get, query them with dpkg-query/apt-cache, hold them
 * with dpkg selections. Changes are reported like Salt: `{name: {old, new}}`.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { fnmatch } from '../targeting/fnmatch.js';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError, SaltInvocationError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { errorWithInfo, isTrue, pyText, runAll, whichSync, type CmdResult } from './_syscmd.js';

/** Environment that keeps apt and dpkg from asking questions (Salt's DPKG_ENV_VARS). */
export const DPKG_ENV_VARS: Readonly<Record<string, string>> = {
  APT_LISTBUGS_FRONTEND: 'none',
  APT_LISTCHANGES_FRONTEND: 'none',
  DEBIAN_FRONTEND: 'noninteractive',
  UCF_FORCE_CONFFOLD: '1',
};

const APT_LISTS_PATH = '/var/lib/apt/lists';
const CONTEXT_KEY = 'pkg.list_pkgs';

type VersionMap = Record<string, string[]>;
interface PkgLists {
  installed: VersionMap;
  removed: VersionMap;
  purge_desired: VersionMap;
}

/** Runs an apt/dpkg program non-interactively, retrying while another process holds the dpkg lock. */
async function callApt(ctx: CallContext, argv: string[], extra: { stdin?: string; env?: Record<string, string> } = {}): Promise<CmdResult> {
  const env = { ...DPKG_ENV_VARS, ...(extra.env ?? {}) };
  let result = await runAll(ctx, argv, { outputLoglevel: 'trace', env, stdin: extra.stdin, ignoreRetcode: true });
  for (let attempt = 1; result.stderr.includes('Could not get lock') && attempt <= 5; attempt++) {
    ctx.log.warn(`Waiting for dpkg lock release: retrying... ${attempt}/5`);
    await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
    result = await runAll(ctx, argv, { outputLoglevel: 'trace', env, stdin: extra.stdin, ignoreRetcode: true });
  }
  return result;
}

/** `salt.utils.data.compare_dicts`: `{key: {old, new}}` for every key whose value differs. */
function compareDicts(old: Record<string, string>, next: Record<string, string>): Record<string, { old: string; new: string }> {
  const ret: Record<string, { old: string; new: string }> = {};
  for (const key of new Set([...Object.keys(old), ...Object.keys(next)])) {
    if (old[key] !== next[key]) ret[key] = { old: old[key] ?? '', new: next[key] ?? '' };
  }
  return ret;
}

function stringify(map: VersionMap): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.join(',')]));
}

function clone(map: VersionMap): VersionMap {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, [...v]]));
}

async function readPkgLists(ctx: CallContext, useContext: boolean): Promise<PkgLists> {
  const cached = ctx.context[CONTEXT_KEY] as PkgLists | undefined;
  if (cached && useContext) return cached;
  const out = await runAll(ctx, ['dpkg-query', '--showformat', '${Status} ${Package} ${Version} ${Architecture}\n', '-W'], {
    outputLoglevel: 'trace',
  });
  const lists: PkgLists = { installed: {}, removed: {}, purge_desired: {} };
  const nativeArch = String(ctx.grains.osarch ?? '');
  for (const line of out.stdout.split('\n')) {
    const cols = line.split(/\s+/).filter((c) => c !== '');
    if (cols.length < 6) continue;
    const [want, , status, pkgName, ver, arch] = cols;
    let name = pkgName;
    if (nativeArch && arch !== 'all' && arch !== nativeArch) name += `:${arch}`;
    let target: VersionMap | undefined;
    if ((want.includes('install') || want.includes('hold')) && status.includes('installed')) target = lists.installed;
    else if (want.includes('deinstall')) target = lists.removed;
    else if (want.includes('purge') && status === 'installed') target = lists.purge_desired;
    if (target) (target[name] ??= []).push(ver);
  }
  ctx.context[CONTEXT_KEY] = lists;
  return lists;
}

/** Installed packages as `{name: "version"}` (or `{name: [versions]}` with versionsAsList). */
async function listPkgs(
  ctx: CallContext,
  opts: { versionsAsList?: boolean; removed?: boolean; purgeDesired?: boolean; useContext?: boolean } = {},
): Promise<Record<string, string> | VersionMap> {
  const lists = await readPkgLists(ctx, opts.useContext ?? true);
  let ret: VersionMap;
  if (opts.removed) ret = clone(lists.removed);
  else {
    ret = clone(lists.purge_desired);
    if (!opts.purgeDesired) Object.assign(ret, clone(lists.installed));
  }
  const sorted = Object.fromEntries(Object.entries(ret).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return opts.versionsAsList ? sorted : stringify(sorted);
}

async function installedStrings(ctx: CallContext, removed = false): Promise<Record<string, string>> {
  return (await listPkgs(ctx, { removed })) as Record<string, string>;
}

/** Compares two Debian versions with dpkg: -1, 0 or 1 (null when dpkg rejects them). */
async function versionCmp(ctx: CallContext, a: string, b: string, ignoreEpoch = false): Promise<number | null> {
  const strip = (v: string) => (ignoreEpoch ? v.replace(/^\d+:/, '') : v);
  const x = strip(a);
  const y = strip(b);
  for (const [op, value] of [['lt', -1], ['eq', 0], ['gt', 1]] as const) {
    const r = await runAll(ctx, ['dpkg', '--compare-versions', x, op, y], { ignoreRetcode: true, outputLoglevel: 'trace' });
    if (r.retcode === 0) return value;
  }
  return null;
}

/** `apt-get -q update`, parsed into `{source: true|false|null}` (fetched / failed / unchanged). */
async function refreshDb(ctx: CallContext, cacheValidTime: unknown, failhard: unknown): Promise<Record<string, boolean | null>> {
  const ret: Record<string, boolean | null> = {};
  const valid = Number(cacheValidTime ?? 0);
  if (valid > 0) {
    try {
      const mtime = (await stat(APT_LISTS_PATH)).mtimeMs / 1000;
      if (mtime + valid > Date.now() / 1000) return ret;
    } catch (err) {
      ctx.log.warn(`could not stat cache directory due to: ${(err as Error).message}`);
    }
  }
  const call = await callApt(ctx, ['apt-get', '-q', 'update']);
  if (call.retcode !== 0) throw new CommandExecutionError(call.stderr);
  const errors: string[] = [];
  for (const line of call.stdout.split('\n')) {
    const cols = line.split(/\s+/).filter((c) => c !== '');
    if (!cols.length) continue;
    let ident = cols.slice(1).join(' ');
    if (cols[0].includes('Get')) {
      ident = ident.replace(/ \[.+B\]$/, '');
      ret[ident] = true;
    } else if (cols[0].includes('Ign')) ret[ident] = false;
    else if (cols[0].includes('Hit')) ret[ident] = null;
    else if (cols[0].includes('Err')) {
      ret[ident] = false;
      errors.push(ident);
    }
  }
  if (isTrue(failhard) && errors.length) throw new CommandExecutionError(`Error getting repos: ${errors.join(', ')}`);
  return ret;
}

/** The install candidate apt-cache reports for a package ('' when none). */
async function candidateVersion(ctx: CallContext, name: string, fromrepo: unknown): Promise<string> {
  const cmd = ['apt-cache', '-q', 'policy', name];
  if (fromrepo) cmd.push('-o', `APT::Default-Release=${pyText(fromrepo)}`);
  const out = await callApt(ctx, cmd);
  for (const line of out.stdout.split('\n')) {
    if (!line.includes('Candidate')) continue;
    const comps = line.trim().split(/\s+/);
    const candidate = comps.length >= 2 ? comps[comps.length - 1] : '';
    return candidate.toLowerCase() === '(none)' ? '' : candidate;
  }
  return '';
}

async function latestVersion(ctx: CallContext, names: string[], kwargs: Record<string, unknown>): Promise<string | Record<string, string>> {
  if ('repo' in kwargs) throw new SaltInvocationError("The 'repo' argument is invalid, use 'fromrepo' instead");
  const refresh = isTrue(kwargs.refresh ?? true);
  const showInstalled = isTrue(kwargs.show_installed ?? false);
  if (!names.length) return '';
  const ret: Record<string, string> = Object.fromEntries(names.map((n) => [n, '']));
  const pkgs = (await listPkgs(ctx, { versionsAsList: true })) as VersionMap;
  if (refresh) await refreshDb(ctx, kwargs.cache_valid_time ?? 0, false);
  for (const name of names) {
    const candidate = await candidateVersion(ctx, name, kwargs.fromrepo);
    const installed = pkgs[name] ?? [];
    if (!installed.length || showInstalled) ret[name] = candidate;
    else if (candidate) {
      let upToDate = false;
      for (const v of installed) if (((await versionCmp(ctx, v, candidate)) ?? -1) >= 0) upToDate = true;
      if (!upToDate) ret[name] = candidate;
    }
  }
  return names.length === 1 ? ret[names[0]] : ret;
}

/** `pkg_resource.version`: one version string, or a dict for several names or a glob. */
async function versionOf(ctx: CallContext, names: string[], kwargs: Record<string, unknown>): Promise<unknown> {
  const asList = isTrue(kwargs.versions_as_list);
  const ret: VersionMap = {};
  let glob = false;
  if (names.length) {
    const pkgs = (await listPkgs(ctx, { versionsAsList: true })) as VersionMap;
    for (const name of names) {
      if (name.includes('*')) {
        glob = true;
        for (const match of Object.keys(pkgs).filter((p) => fnmatch(p, name))) ret[match] = pkgs[match];
      } else ret[name] = pkgs[name] ?? [];
    }
  }
  const out: Record<string, unknown> = asList ? ret : stringify(ret);
  if (Object.keys(out).length === 1 && !glob) return Object.values(out)[0];
  return out;
}

/** `pkg_resource.parse_targets`: what to install, from name/pkgs/sources. */
async function parseTargets(
  name: unknown,
  pkgs: unknown,
  sources: unknown,
  version: unknown,
): Promise<{ params: Map<string, string | null>; type: 'repository' | 'file' } | null> {
  if (pkgs && sources) throw new SaltInvocationError("Only one of 'pkgs' and 'sources' can be used.");
  if (pkgs) {
    if (!Array.isArray(pkgs)) throw new SaltInvocationError(`Invalid input: ${pyText(pkgs)}. Input must be a list`);
    const params = new Map<string, string | null>();
    for (const item of pkgs) {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        const [k, v] = Object.entries(item as Record<string, unknown>)[0] ?? [];
        if (k !== undefined) params.set(k, v === null || v === undefined ? null : pyText(v));
      } else params.set(pyText(item), null);
    }
    return params.size ? { params, type: 'repository' } : null;
  }
  if (sources) {
    if (!Array.isArray(sources)) throw new SaltInvocationError(`Invalid input: ${pyText(sources)}. Input must be a list`);
    const params = new Map<string, string | null>();
    for (const item of sources) {
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        throw new SaltInvocationError(`Invalid input: ${pyText(sources)}. Input must be a list of single-element dicts`);
      }
      const [pkgName, src] = Object.entries(item as Record<string, unknown>)[0];
      const path = pyText(src);
      if (!isAbsolute(path)) {
        throw new SaltInvocationError(`Path ${path} for package ${pkgName} is either not absolute or an invalid protocol`);
      }
      params.set(path, null);
    }
    return params.size ? { params, type: 'file' } : null;
  }
  if (name !== null && name !== undefined && name !== '') {
    const params = new Map<string, string | null>();
    for (const n of pyText(name).split(',')) params.set(n, version === null || version === undefined ? null : pyText(version));
    return { params, type: 'repository' };
  }
  return null;
}

/** Name and version inside a .deb file (Salt's lowpkg.bin_pkg_info), or null when unreadable. */
async function debInfo(ctx: CallContext, path: string): Promise<{ name: string; version: string } | null> {
  const r = await runAll(ctx, ['dpkg-deb', '--showformat=${Package}\\t${Version}', '-W', path], { ignoreRetcode: true });
  if (r.retcode !== 0) return null;
  const [name, version] = r.stdout.trim().split('\t');
  return name && version ? { name, version } : null;
}

async function getSelections(ctx: CallContext, pattern: unknown, state: unknown): Promise<Record<string, string[]>> {
  const out = await runAll(ctx, ['dpkg', '--get-selections', pattern ? pyText(pattern) : '*'], {
    outputLoglevel: 'trace',
    ignoreRetcode: true,
  });
  const ret: Record<string, string[]> = {};
  for (const line of out.stdout.split('\n')) {
    const [pkgName, pkgState] = line.trim().split(/\s+/);
    if (!pkgName || !pkgState) continue;
    (ret[pkgState] ??= []).push(pkgName);
  }
  if (state) return { [pyText(state)]: ret[pyText(state)] ?? [] };
  return ret;
}

async function setSelections(ctx: CallContext, selection: Record<string, string[]>): Promise<Record<string, { old: string | null; new: string }>> {
  const valid = ['install', 'hold', 'deinstall', 'purge'];
  const bad = Object.keys(selection).filter((s) => !valid.includes(s));
  if (bad.length) throw new SaltInvocationError(`Invalid state(s): ${bad.join(', ')}`);
  const current = new Map<string, string>();
  for (const [state, pkgs] of Object.entries(await getSelections(ctx, null, null))) for (const p of pkgs) current.set(p, state);
  const ret: Record<string, { old: string | null; new: string }> = {};
  for (const [state, pkgs] of Object.entries(selection)) {
    for (const p of pkgs) {
      if (current.get(p) === state) continue;
      if (ctx.opts.test) continue;
      const r = await callApt(ctx, ['dpkg', '--set-selections'], { stdin: `${p} ${state}` });
      if (r.retcode !== 0) ctx.log.error(`failed to set state ${state} for package ${p}`);
      else ret[p] = { old: current.get(p) ?? null, new: state };
    }
  }
  return ret;
}

interface HoldResult {
  name: string;
  changes: unknown;
  result: boolean | null;
  comment: string;
}

function holdTargets(name: unknown, pkgs: unknown, sources: unknown): string[] {
  if (!name && !pkgs && !sources) throw new SaltInvocationError('One of name, pkgs, or sources must be specified.');
  if (pkgs && sources) throw new SaltInvocationError('Only one of pkgs or sources can be specified.');
  const list: unknown[] = pkgs ? (Array.isArray(pkgs) ? pkgs : [pkgs]) : sources ? (Array.isArray(sources) ? sources : [sources]) : [name];
  return list.map((t) => (t && typeof t === 'object' ? Object.keys(t as object)[0] : pyText(t)));
}

async function setHold(ctx: CallContext, targets: string[], hold: boolean): Promise<Record<string, HoldResult>> {
  const ret: Record<string, HoldResult> = {};
  for (const target of targets) {
    const entry: HoldResult = { name: target, changes: {}, result: false, comment: '' };
    ret[target] = entry;
    const state = await getSelections(ctx, target, hold ? 'hold' : null);
    const held = (state.hold ?? []).length > 0;
    if (hold) {
      if (Object.keys(state).length === 0) entry.comment = `Package ${target} not currently held.`;
      else if (!held) {
        if (ctx.opts.test) {
          entry.result = null;
          entry.comment = `Package ${target} is set to be held.`;
        } else {
          entry.changes = (await setSelections(ctx, { hold: [target] }))[target] ?? {};
          entry.result = true;
          entry.comment = `Package ${target} is now being held.`;
        }
      } else {
        entry.result = true;
        entry.comment = `Package ${target} is already set to be held.`;
      }
    } else if (Object.keys(state).length === 0) entry.comment = `Package ${target} does not have a state.`;
    else if (held) {
      if (ctx.opts.test) {
        entry.result = null;
        entry.comment = `Package ${target} is set not to be held.`;
      } else {
        entry.changes = (await setSelections(ctx, { install: [target] }))[target] ?? {};
        entry.result = true;
        entry.comment = `Package ${target} is no longer being held.`;
      }
    } else {
      entry.result = true;
      entry.comment = `Package ${target} is already set not to be held.`;
    }
  }
  return ret;
}

function aptOptionsPrefix(kwargs: Record<string, unknown>): string[] {
  const cmd = ['apt-get', '-q', '-y'];
  if (isTrue(kwargs.force_yes)) cmd.push('--force-yes');
  if (isTrue(kwargs.force_conf_new)) cmd.push('-o', 'DPkg::Options::=--force-confnew');
  else cmd.push('-o', 'DPkg::Options::=--force-confold', '-o', 'DPkg::Options::=--force-confdef');
  return cmd;
}

async function install(ctx: CallContext, p: Record<string, unknown>, kwargs: Record<string, unknown>): Promise<unknown> {
  const { name, refresh, skip_verify, pkgs, sources, reinstall, downloadonly, ignore_epoch } = p;
  let fromrepo = p.fromrepo;
  const version = kwargs.version;
  const targetsParsed = await parseTargets(name, pkgs, sources, version);
  if (!fromrepo && kwargs.repo) fromrepo = kwargs.repo;
  if (!targetsParsed) return {};
  const { params, type } = targetsParsed;
  const old = await installedStrings(ctx);

  const prefix = aptOptionsPrefix(kwargs);
  if ('install_recommends' in kwargs) prefix.push(isTrue(kwargs.install_recommends) ? '--install-recommends' : '--no-install-recommends');
  if (isTrue(kwargs.only_upgrade)) prefix.push('--only-upgrade');
  if (isTrue(skip_verify)) prefix.push('--allow-unauthenticated');
  if (fromrepo && type === 'repository') prefix.push('-t', pyText(fromrepo));
  prefix.push('install');

  const targets: string[] = [];
  const downgrade: string[] = [];
  const toReinstall = new Map<string, string>();
  const errors: string[] = [];
  for (const [key, wanted] of params) {
    let pkgName: string | null = key;
    let versionNum = wanted;
    let pkgPath = key;
    if (type === 'file') {
      const info = await debInfo(ctx, key);
      if (!info) {
        ctx.log.error(`pkg.install: Unable to get deb information for ${key}. Version comparisons will be unavailable.`);
        pkgName = null;
        versionNum = null;
      } else {
        pkgName = info.name;
        versionNum = info.version;
      }
    }
    if (versionNum === null) {
      if (type === 'repository') {
        if (isTrue(reinstall) && pkgName! in old) toReinstall.set(pkgName!, pkgName!);
        else targets.push(pkgName!);
      } else targets.push(pkgPath);
      continue;
    }
    let pkgstr: string;
    if (type === 'repository') {
      versionNum = versionNum.replace(/^=+/, '');
      if (versionNum.startsWith('<') || versionNum.startsWith('>')) {
        errors.push(`No version matching '${pkgName}${versionNum}' could be found (available: None)`);
        continue;
      }
      pkgstr = `${pkgName}=${versionNum}`;
    } else pkgstr = pkgPath;
    const current = old[pkgName!] ?? '';
    const cmp = current ? await versionCmp(ctx, versionNum, current, isTrue(ignore_epoch)) : null;
    if (isTrue(reinstall) && current && cmp === 0) toReinstall.set(pkgName!, pkgstr);
    else if (!current || (cmp ?? 1) >= 0) targets.push(pkgstr);
    else downgrade.push(pkgstr);
  }

  const cmds: string[][] = [];
  const allPkgs: string[] = [];
  if (targets.length) {
    allPkgs.push(...targets);
    cmds.push([...prefix, ...targets]);
  }
  if (downgrade.length) {
    const cmd = [...prefix];
    if (type === 'repository' && !cmd.includes('--force-yes')) cmd.splice(cmd.length - 1, 0, '--force-yes');
    cmds.push([...cmd, ...downgrade]);
  }
  if (isTrue(downloadonly)) for (const cmd of cmds) cmd.push('--download-only');
  if (toReinstall.size) {
    allPkgs.push(...toReinstall.keys());
    const cmd = [...prefix];
    if (!sources) cmd.push('--reinstall');
    cmds.push([...cmd, ...toReinstall.values()]);
  }

  let ret: Record<string, { old: string; new: string }> = {};
  if (cmds.length) {
    if (isTrue(refresh)) await refreshDb(ctx, kwargs.cache_valid_time ?? 0, false);
    const held = (await getSelections(ctx, null, 'hold')).hold ?? [];
    const names = allPkgs.map((x) => x.split('=')[0]);
    const toUnhold = held.filter((h) => names.includes(h));
    if (toUnhold.length) await setHold(ctx, toUnhold, false);
    for (const cmd of cmds) {
      const out = await callApt(ctx, cmd);
      if (out.retcode !== 0 && out.stderr) errors.push(out.stderr);
    }
    delete ctx.context[CONTEXT_KEY];
    const next = await installedStrings(ctx);
    ret = compareDicts(old, next);
    for (const pkgName of toReinstall.keys()) {
      if (!(pkgName in ret) || pkgName in old) ret[pkgName] = { old: old[pkgName] ?? '', new: next[pkgName] ?? '' };
    }
    if (toUnhold.length) await setHold(ctx, toUnhold, true);
  }
  if (errors.length) throw errorWithInfo('Problem encountered installing package(s)', { errors, changes: ret });
  return ret;
}

async function uninstall(ctx: CallContext, action: 'remove' | 'purge', name: unknown, pkgs: unknown): Promise<unknown> {
  const parsed = await parseTargets(name, pkgs, null, null);
  const wanted = parsed ? [...parsed.params.keys()] : [];
  const old = await installedStrings(ctx);
  const oldRemoved = await installedStrings(ctx, true);
  const targets = wanted.filter((x) => x in old);
  if (action === 'purge') targets.push(...wanted.filter((x) => x in oldRemoved));
  if (!targets.length) return {};
  const out = await callApt(ctx, ['apt-get', '-q', '-y', action, ...targets]);
  const errors = out.retcode !== 0 && out.stderr ? [out.stderr] : [];
  delete ctx.context[CONTEXT_KEY];
  const changes = compareDicts(old, await installedStrings(ctx));
  const ret =
    action === 'purge' ? { removed: compareDicts(oldRemoved, await installedStrings(ctx, true)), installed: changes } : changes;
  if (errors.length) throw errorWithInfo('Problem encountered removing package(s)', { errors, changes: ret });
  return ret;
}

const INSTALL_DOC = `
  Install the passed package, add refresh=True to update the dpkg database.

  name
      The name of the package to be installed. Note that this parameter is
      ignored if either "pkgs" or "sources" is passed. To install a specific
      version use the \`\`version\`\` argument.

  refresh
      Whether or not to refresh the package database before installing.

  fromrepo
      Specify a package repository to install from (\`\`apt-get -t\`\`).

  skip_verify
      Skip the GPG verification check (\`\`--allow-unauthenticated\`\`).

  version
      Install a specific version of the package, e.g. 1.2.3~0ubuntu0.

  reinstall : False
      Reinstall the package even if the requested version is installed.

  pkgs
      A list of packages to install from a software repository, each a name
      or a single-item dict of name and version.

  sources
      A list of DEB packages to install, each a single-item dict of package
      name and an absolute path on the minion.

  Returns a dict containing the new package names and versions::

      {'<package>': {'old': '<old-version>',
                     'new': '<new-version>'}}

  CLI Example:

  .. code-block:: bash

      salt '*' pkg.install <package name>
      salt '*' pkg.install pkgs='["foo", {"bar": "1.2.3-4.el5"}]'
      salt '*' pkg.install sources='[{"foo": "/tmp/foo.deb"}]'
`;

const mod: SaltModule = {
  name: 'aptpkg',
  virtualName: 'pkg',
  virtual: ({ grains }) => {
    const family = grains.os_family;
    if ((family === undefined || family === 'Debian') && whichSync('dpkg') && whichSync('apt-get')) return 'pkg';
    return [false, 'The pkg module could not be loaded: unsupported OS family'];
  },
  functions: {
    install: defineFunction(
      {
        args: ['name', 'refresh', 'fromrepo', 'skip_verify', 'debconf', 'pkgs', 'sources', 'reinstall', 'downloadonly', 'ignore_epoch'],
        defaults: {
          name: null, refresh: false, fromrepo: null, skip_verify: false, debconf: null, pkgs: null, sources: null,
          reinstall: false, downloadonly: false, ignore_epoch: false,
        },
        kwargs: true,
        doc: INSTALL_DOC,
      },
      (p, ctx, { kwargs }) => {
        if (p.debconf) throw new CommandExecutionError("'debconf.set_file' is not available.");
        return install(ctx, p as Record<string, unknown>, kwargs);
      },
    ),

    remove: defineFunction(
      {
        args: ['name', 'pkgs'],
        defaults: { name: null, pkgs: null },
        kwargs: true,
        doc: `
          Remove packages using \`\`apt-get remove\`\`.

          name
              The name of the package to be deleted.

          pkgs
              A list of packages to delete. Must be passed as a python list. The
              \`\`name\`\` parameter will be ignored if this option is passed.

          Returns a dict containing the changes.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.remove <package name>
              salt '*' pkg.remove pkgs='["foo", "bar"]'
        `,
      },
      ({ name, pkgs }, ctx) => uninstall(ctx, 'remove', name, pkgs),
    ),

    purge: defineFunction(
      {
        args: ['name', 'pkgs'],
        defaults: { name: null, pkgs: null },
        kwargs: true,
        doc: `
          Remove packages via \`\`apt-get purge\`\` along with all configuration files.

          Returns a dict containing the changes.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.purge <package name>
              salt '*' pkg.purge pkgs='["foo", "bar"]'
        `,
      },
      ({ name, pkgs }, ctx) => uninstall(ctx, 'purge', name, pkgs),
    ),

    upgrade: defineFunction(
      {
        args: ['refresh', 'dist_upgrade'],
        defaults: { refresh: true, dist_upgrade: false },
        kwargs: true,
        doc: `
          Upgrades all packages via \`\`apt-get upgrade\`\` or \`\`apt-get dist-upgrade\`\`
          if  \`\`dist_upgrade\`\` is \`\`True\`\`.

          Returns a dictionary containing the changes:

          .. code-block:: python

              {'<package>':  {'old': '<old-version>',
                              'new': '<new-version>'}}

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.upgrade
        `,
      },
      async ({ refresh, dist_upgrade }, ctx, { kwargs }) => {
        if (isTrue(refresh)) await refreshDb(ctx, kwargs.cache_valid_time ?? 0, false);
        const old = await installedStrings(ctx);
        const cmd = aptOptionsPrefix({ force_conf_new: kwargs.force_conf_new });
        if (isTrue(kwargs.force_yes)) cmd.push('--force-yes');
        if (isTrue(kwargs.skip_verify)) cmd.push('--allow-unauthenticated');
        if (isTrue(kwargs.download_only) || isTrue(kwargs.downloadonly)) cmd.push('--download-only');
        if (isTrue(kwargs.allow_downgrades)) cmd.push('--allow-downgrades');
        cmd.push(isTrue(dist_upgrade) ? 'dist-upgrade' : 'upgrade');
        const result = await callApt(ctx, cmd);
        delete ctx.context[CONTEXT_KEY];
        const ret = compareDicts(old, await installedStrings(ctx));
        if (result.retcode !== 0) throw errorWithInfo('Problem encountered upgrading packages', { changes: ret, result });
        return ret;
      },
    ),

    list_pkgs: defineFunction(
      {
        args: ['versions_as_list', 'removed', 'purge_desired'],
        defaults: { versions_as_list: false, removed: false, purge_desired: false },
        kwargs: true,
        doc: `
          List the packages currently installed in a dict::

              {'<package_name>': '<version>'}

          removed
              If \`\`True\`\`, then only packages which have been removed (but not
              purged) will be returned.

          purge_desired
              If \`\`True\`\`, then only packages which have been marked to be purged,
              but can't be purged due to their status as dependencies for other
              installed packages, will be returned.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.list_pkgs
              salt '*' pkg.list_pkgs versions_as_list=True
        `,
      },
      ({ versions_as_list, removed, purge_desired }, ctx, { kwargs }) =>
        listPkgs(ctx, {
          versionsAsList: isTrue(versions_as_list),
          removed: isTrue(removed),
          purgeDesired: isTrue(purge_desired),
          useContext: kwargs.use_context === undefined ? true : isTrue(kwargs.use_context),
        }),
    ),

    version: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          Returns a string representing the package version or an empty string if not
          installed. If more than one package name is specified, a dict of
          name/version pairs is returned.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.version <package name>
              salt '*' pkg.version <package1> <package2> <package3> ...
        `,
      },
      (_p, ctx, { varargs, kwargs }) => versionOf(ctx, varargs.map(pyText), kwargs),
    ),

    latest_version: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          Return the latest version of the named package available for upgrade or
          installation. If more than one package name is specified, a dict of
          name/version pairs is returned.

          If the latest version of a given package is already installed, an empty
          string will be returned for that package.

          A specific repo can be requested using the \`\`fromrepo\`\` keyword argument.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.latest_version <package name>
              salt '*' pkg.latest_version <package name> fromrepo=unstable
        `,
      },
      (_p, ctx, { varargs, kwargs }) => latestVersion(ctx, varargs.map(pyText), kwargs),
    ),

    available_version: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          This function is an alias of \`\`latest_version\`\`.

          Return the latest version of the named package available for upgrade or
          installation.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.available_version <package name>
        `,
      },
      (_p, ctx, { varargs, kwargs }) => latestVersion(ctx, varargs.map(pyText), kwargs),
    ),

    list_upgrades: defineFunction(
      {
        args: ['refresh', 'dist_upgrade'],
        defaults: { refresh: true, dist_upgrade: true },
        kwargs: true,
        doc: `
          List all available package upgrades.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.list_upgrades
        `,
      },
      async ({ refresh, dist_upgrade }, ctx, { kwargs }) => {
        if (isTrue(refresh)) await refreshDb(ctx, kwargs.cache_valid_time ?? 0, false);
        const cmd = ['apt-get', '--just-print', isTrue(dist_upgrade) ? 'dist-upgrade' : 'upgrade'];
        if (kwargs.fromrepo) cmd.push('-o', `APT::Default-Release=${pyText(kwargs.fromrepo)}`);
        const call = await callApt(ctx, cmd);
        if (call.retcode !== 0) {
          const detail = call.stderr || call.stdout;
          throw new CommandExecutionError(`Failed to get upgrades${detail ? `: ${detail}` : ''}`);
        }
        const ret: Record<string, string> = {};
        for (const m of call.stdout.matchAll(/^Conf ([^ ]+) \(([^ ]+)/gm)) ret[m[1]] = m[2];
        return ret;
      },
    ),

    upgrade_available: defineFunction(
      {
        args: ['name'],
        kwargs: true,
        doc: `
          Check whether or not an upgrade is available for a given package

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.upgrade_available <package name>
        `,
      },
      async ({ name }, ctx) => (await latestVersion(ctx, [pyText(name)], {})) !== '',
    ),

    refresh_db: defineFunction(
      {
        args: ['cache_valid_time', 'failhard'],
        defaults: { cache_valid_time: 0, failhard: false },
        kwargs: true,
        doc: `
          Updates the APT database to latest packages based upon repositories

          Returns a dict, with the keys being package databases and the values being
          the result of the update attempt. Values can be one of the following:

          - \`\`True\`\`: Database updated successfully
          - \`\`False\`\`: Problem updating database
          - \`\`None\`\`: Database already up-to-date

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.refresh_db
        `,
      },
      ({ cache_valid_time, failhard }, ctx) => refreshDb(ctx, cache_valid_time, failhard),
    ),

    hold: defineFunction(
      {
        args: ['name', 'pkgs', 'sources'],
        defaults: { name: null, pkgs: null, sources: null },
        kwargs: true,
        doc: `
          Set package in 'hold' state, meaning it will not be upgraded.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.hold <package name>
              salt '*' pkg.hold pkgs='["foo", "bar"]'
        `,
      },
      ({ name, pkgs, sources }, ctx) => setHold(ctx, holdTargets(name, pkgs, sources), true),
    ),

    unhold: defineFunction(
      {
        args: ['name', 'pkgs', 'sources'],
        defaults: { name: null, pkgs: null, sources: null },
        kwargs: true,
        doc: `
          Set package current in 'hold' state to install state,
          meaning it will be upgraded.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.unhold <package name>
        `,
      },
      ({ name, pkgs, sources }, ctx) => setHold(ctx, holdTargets(name, pkgs, sources), false),
    ),

    get_selections: defineFunction(
      {
        args: ['pattern', 'state'],
        defaults: { pattern: null, state: null },
        doc: `
          View package state from the dpkg database.

          Returns a dict of dicts containing the state, and package names::

              {'<host>':
                  {'<state>': ['pkg1',
                               ...
                              ]
                  },
                  ...
              }

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.get_selections
              salt '*' pkg.get_selections 'python-*'
              salt '*' pkg.get_selections state=hold
        `,
      },
      ({ pattern, state }, ctx) => getSelections(ctx, pattern, state),
    ),

    version_cmp: defineFunction(
      {
        args: ['pkg1', 'pkg2', 'ignore_epoch'],
        defaults: { ignore_epoch: false },
        kwargs: true,
        doc: `
          Do a cmp-style comparison on two packages. Return -1 if pkg1 < pkg2, 0 if
          pkg1 == pkg2, and 1 if pkg1 > pkg2. Return None if there was a problem
          making the comparison.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.version_cmp '0.2.4-0ubuntu1' '0.2.4.1-0ubuntu1'
        `,
      },
      ({ pkg1, pkg2, ignore_epoch }, ctx) => versionCmp(ctx, pyText(pkg1), pyText(pkg2), isTrue(ignore_epoch)),
    ),

    file_list: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          List the files that belong to a package. Not specifying any packages will
          return a list of _every_ file on the system's package database (not
          generally recommended).

          CLI Examples:

          .. code-block:: bash

              salt '*' pkg.file_list httpd
              salt '*' pkg.file_list httpd postfix
              salt '*' pkg.file_list
        `,
      },
      async (_p, ctx, { varargs }) => {
        const names = varargs.map(pyText);
        const out = await runAll(ctx, ['dpkg', '-l', ...names], { ignoreRetcode: true });
        const errors: string[] = [];
        const found: string[] = [];
        for (const line of `${out.stdout}\n${out.stderr}`.split('\n')) {
          if (line.startsWith('ii ')) found.push(line.split(/\s+/)[1]);
          if (line.includes('no packages found')) errors.push(line);
        }
        if (out.retcode !== 0 && !errors.length) return `Error:  ${out.stderr}`;
        const files = new Set<string>();
        for (const pkgName of found) {
          const r = await runAll(ctx, ['dpkg', '-L', pkgName], { ignoreRetcode: true });
          for (const f of r.stdout.split('\n')) if (f) files.add(f);
        }
        return { errors, files: [...files].sort() };
      },
    ),

    info_installed: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          Return the information of the named package(s) installed on the system.

          CLI Example:

          .. code-block:: bash

              salt '*' pkg.info_installed <package1>
              salt '*' pkg.info_installed <package1> <package2> <package3> ...
        `,
      },
      async (_p, ctx, { varargs }) => {
        const fields: Array<[string, string]> = [
          ['package', 'Package'], ['version', 'Version'], ['architecture', 'Architecture'], ['maintainer', 'Maintainer'],
          ['section', 'Section'], ['installed_size', 'Installed-Size'], ['source', 'Source'], ['homepage', 'Homepage'],
          ['status', 'Status'], ['description', 'Description'],
        ];
        const format = fields.map(([, f]) => `${f}:\${${f}}`).join('\\x1f') + '\\x1e';
        const out = await runAll(ctx, ['dpkg-query', '-W', `-f=${format.replace(/\\x1f/g, '\x1f').replace(/\\x1e/g, '\x1e')}`, ...varargs.map(pyText)], {
          ignoreRetcode: true,
          outputLoglevel: 'trace',
        });
        const ret: Record<string, Record<string, string>> = {};
        for (const record of out.stdout.split('\x1e')) {
          if (!record.trim()) continue;
          const values = record.replace(/^\n/, '').split('\x1f');
          const info: Record<string, string> = {};
          fields.forEach(([key, field], i) => {
            const v = (values[i] ?? '').slice(field.length + 1);
            if (v !== '') info[key] = v;
          });
          if (!info.status || !info.status.endsWith(' installed')) continue;
          delete info.status;
          const pkgName = info.package;
          delete info.package;
          if (pkgName) ret[pkgName] = info;
        }
        return ret;
      },
    ),
  },
};

/** True when this minion looks like a Debian system with apt (for tests and `virtual()`). */
export function hasApt(): boolean {
  return existsSync('/var/lib/dpkg/status') && whichSync('apt-get') !== null;
}

export default mod;
