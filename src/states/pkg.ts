/**
 * Salt's `pkg` state module: packages installed (optionally at a version, or from `.deb`
 * sources), at the latest version, removed or purged, through the `pkg` execution module.
 * Texts and change dicts follow Salt 3006's states/pkg.py.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { fnmatch } from '../targeting/fnmatch.js';
import { CommandExecutionError } from '../loader/errors.js';
import type { SaltModule } from '../loader/types.js';
import { errorWithInfo } from '../modules/_syscmd.js';
import type { StateCallContext } from '../state/runner.js';
import { isDict, pyStr } from '../state/_py.js';
import { defineState, type StateRet } from './_define.js';

const execFileP = promisify(execFile);

type VersionLists = Record<string, string[]>;
type Desired = Record<string, string | null>;

function ret(name: unknown, result: boolean | null, comment: string, changes: Record<string, unknown> = {}): StateRet {
  return { name, changes, result, comment };
}

function isTrue(v: unknown): boolean {
  if (typeof v === 'string') return v.toLowerCase() === 'true' || (v.trim() !== '' && Number(v) > 0);
  return !!v;
}

/** `salt.utils.pkg.split_comparison`: `>=1.2` → ['>=', '1.2']. */
function splitComparison(version: string): [string, string] {
  const m = /^(<=>|!=|>=|<=|>>|<<|<>|>|<|=)?\s?([^<>=]+)$/.exec(version);
  return m ? [m[1] ?? '', m[2]] : ['', version];
}

function comparisonSpec(pkgver: string): [string, string] {
  let [oper, ver] = splitComparison(pkgver.trim());
  if (oper === '=' || oper === '') oper = '==';
  return [oper, ver];
}

function parseVersionString(s: string): Array<[string, string]> {
  const t = s.trim();
  if (!t) return [];
  return t.split(',').map(comparisonSpec);
}

const CMP_MAP: Record<string, number[]> = { '<': [-1], '<=': [-1, 0], '==': [0], '>=': [0, 1], '>': [1] };

async function fulfillsSpec(ctx: StateCallContext, versions: string[], oper: string, desired: string, ignoreEpoch: unknown): Promise<boolean> {
  const epoch = ignoreEpoch !== null && ignoreEpoch !== undefined ? !!ignoreEpoch : !oper.includes('<') && !oper.includes('>') && !desired.includes(':');
  for (const ver of versions) {
    if (oper === '==' && fnmatch(ver, desired)) return true;
    if (oper !== '!=' && !(oper in CMP_MAP)) continue;
    const cmp = (await ctx.salt('pkg.version_cmp', [ver, desired], { ignore_epoch: epoch })) as number | null;
    if (cmp === null || cmp === undefined) continue;
    const c = Math.max(-1, Math.min(1, cmp));
    if (oper === '!=' ? c !== 0 : CMP_MAP[oper].includes(c)) return true;
  }
  return false;
}

/** Salt's `_fulfills_version_string`: does one installed version meet every condition? */
async function fulfillsVersionString(ctx: StateCallContext, installed: string[], conditions: string, ignoreEpoch: unknown, allowUpdates = false): Promise<boolean> {
  const conds = parseVersionString(conditions);
  for (const v of installed) {
    let all = true;
    for (let [oper, ver] of conds) {
      if (allowUpdates && conds.length === 1 && oper === '==') oper = '>=';
      all = all && (await fulfillsSpec(ctx, [v], oper, ver, ignoreEpoch));
    }
    if (all) return true;
  }
  return false;
}

/** `_repack_pkgs`: a `pkgs` list (names or one-key dicts) as `{name: version|null}`. Throws on duplicates. */
function repackPkgs(pkgs: unknown[]): Desired {
  const out: Desired = {};
  for (const item of pkgs) {
    if (isDict(item)) {
      for (const [k, v] of Object.entries(item)) out[k] = v === null || v === undefined ? null : pyStr(v);
    } else out[pyStr(item)] = null;
  }
  if (Object.keys(out).length !== pkgs.length) {
    throw new CommandExecutionError(
      `You are passing a list of packages that contains duplicated packages names: ${JSON.stringify(pkgs)}. This cannot be processed. In case you are targeting different versions of the same package, please target them individually`,
    );
  }
  return out;
}

function packSources(sources: unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sources) {
    if (!isDict(s) || Object.keys(s).length !== 1) return {};
    const k = Object.keys(s)[0];
    out[k] = pyStr(s[k]);
  }
  return out;
}

function desiredPkg(name: string, desired: Desired): string {
  const v = desired[name];
  const oper = !v || /^[<>=]/.test(v) ? '' : '=';
  return `${name}${oper}${v ?? ''}`;
}

/** A `sources` entry as a path on this minion (salt:// files are fetched into a temp dir). */
async function localSource(ctx: StateCallContext, src: string): Promise<string | null> {
  if (src.startsWith('salt://')) {
    const rel = src.slice('salt://'.length);
    const f = await ctx.fileClient?.getFile(ctx.env, rel);
    if (!f) return null;
    const dir = join(tmpdir(), 'salt-ts-pkg-sources');
    mkdirSync(dir, { recursive: true });
    const path = join(mkdtempSync(join(dir, 'src-')), basename(rel));
    writeFileSync(path, f.data);
    return path;
  }
  const p = src.startsWith('file://') ? src.slice(7) : src;
  return existsSync(p) ? p : null;
}

/** `lowpkg.bin_pkg_info` for a .deb: its package name and version. */
async function debInfo(path: string): Promise<{ name: string; version: string } | null> {
  try {
    const { stdout } = await execFileP('dpkg-deb', ['-f', path, 'Package', 'Version']);
    const fields: Record<string, string> = {};
    for (const line of stdout.split('\n')) {
      const m = /^(\w+):\s*(.*)$/.exec(line);
      if (m) fields[m[1]] = m[2].trim();
    }
    return fields.Package && fields.Version ? { name: fields.Package, version: fields.Version } : null;
  } catch {
    return null;
  }
}

const done = (r: StateRet) => ({ done: r });

interface Targets {
  done?: undefined;
  desired: Desired;
  targets: Desired;
  toUnpurge: string[];
  toReinstall: Desired;
  warnings: string[];
  sources: Record<string, string> | null;
}

/** Salt's `_find_install_targets`: what to install, or a final state return when nothing is to do. */
async function findInstallTargets(ctx: StateCallContext, p: Record<string, any>, pkgs: unknown[] | null, sources: unknown[] | null): Promise<Targets | { done: StateRet }> {
  const name = p.name;
  if (pkgs && sources) return done(ret(name, false, 'Only one of "pkgs" and "sources" is permitted.'));
  let cur: VersionLists;
  try {
    cur = (await ctx.salt('pkg.list_pkgs', [], { versions_as_list: true })) as VersionLists;
  } catch (err) {
    return done(ret(name, false, (err as Error).message));
  }
  let desired: Desired;
  let packedSources: Record<string, string> | null = null;
  if (pkgs) desired = repackPkgs(pkgs);
  else {
    packedSources = packSources(sources!);
    desired = { ...packedSources };
  }
  if (!Object.keys(desired).length) return done(ret(name, false, `Invalidly formatted '${pkgs ? 'pkgs' : 'sources'}' parameter. See minion log.`));
  const purgeDesired = (await ctx.salt('pkg.list_pkgs', [], { purge_desired: true })) as Record<string, unknown>;
  const toUnpurge = Object.keys(desired).filter((x) => x in purgeDesired);
  if (!sources) {
    const wantsLatest = Object.entries(desired).filter(([, v]) => v === 'latest').map(([k]) => k);
    if (wantsLatest.length) {
      let resolved = await ctx.salt('pkg.latest_version', wantsLatest, { refresh: isTrue(p.refresh) });
      if (wantsLatest.length === 1) resolved = { [wantsLatest[0]]: resolved };
      for (const [k, v] of Object.entries(resolved as Record<string, string>)) {
        desired[k] = v ? v : cur[k] ? cur[k][cur[k].length - 1] : null;
      }
    }
  }
  const targets: Desired = {};
  const toReinstall: Desired = {};
  const problems: string[] = [];
  const warnings: string[] = [];
  let versionSpec = false;
  for (const [pkgName, versionString] of Object.entries(desired)) {
    const cver = cur[pkgName] ?? [];
    if (!cver.length) {
      targets[pkgName] = versionString;
      continue;
    }
    let verstr: string;
    if (sources) {
      if (p.reinstall) {
        toReinstall[pkgName] = versionString;
        continue;
      }
      const path = await localSource(ctx, versionString!);
      if (!path) {
        problems.push(`Unable to cache ${versionString}: file not found`);
        continue;
      }
      const info = await debInfo(path);
      if (!info) {
        warnings.push(`Failed to parse metadata for ${versionString}`);
        continue;
      }
      verstr = info.version;
    } else {
      if (p.reinstall) {
        toReinstall[pkgName] = versionString;
        continue;
      }
      if (versionString === null || versionString === '') continue;
      verstr = versionString;
    }
    const allowUpdates = !sources && isTrue(p.allow_updates);
    const ok = await fulfillsVersionString(ctx, cver, verstr, p.ignore_epoch, allowUpdates);
    versionSpec = true;
    if (!ok) targets[pkgName] = versionString;
  }
  if (problems.length) return done(ret(name, false, problems.join(' ')));
  if (!Object.keys(targets).length && !toUnpurge.length && !Object.keys(toReinstall).length) {
    const r = ret(name, true, `All specified packages are already installed${versionSpec && !sources ? ' and are at the desired version' : ''}`);
    if (warnings.length) r.warnings = warnings;
    return done(r);
  }
  return { desired, targets, toUnpurge, toReinstall, warnings, sources: packedSources };
}

/** `strerror_without_changes`: the error text with the `changes` part of its info left out. */
function strerrorWithoutChanges(err: CommandExecutionError): string {
  const info = { ...(err.info ?? {}) };
  delete info.changes;
  const head = err.message.split(' Additional info follows:')[0].replace(/\.$/, '');
  return Object.keys(info).length ? errorWithInfo(head, info).message : head;
}

async function applyHold(ctx: StateCallContext, hold: unknown, args: Record<string, unknown>): Promise<Record<string, any>> {
  return (await ctx.salt(isTrue(hold) ? 'pkg.hold' : 'pkg.unhold', [], args)) as Record<string, any>;
}

async function installed(p: Record<string, any>, ctx: StateCallContext, kwargs: Record<string, unknown>): Promise<StateRet> {
  const name = p.name;
  let pkgs: unknown[] | null = Array.isArray(p.pkgs) ? p.pkgs : null;
  let sources: unknown[] | null = Array.isArray(p.sources) ? p.sources : null;
  if (pkgs && pkgs.length === 0) return ret(name, true, 'No packages to install provided');
  let version: string | null = p.version === null || p.version === undefined ? null : pyStr(p.version);
  if (name && !pkgs?.length && !sources?.length) {
    pkgs = version ? [{ [pyStr(name)]: version }] : [pyStr(name)];
    version = null;
  }
  let refresh = isTrue(p.refresh);
  let found: Targets | { done: StateRet };
  try {
    found = await findInstallTargets(ctx, p, pkgs, sources);
  } catch (err) {
    return ret(name, false, (err as Error).message);
  }
  if (found.done) {
    const result = found.done;
    if ('hold' in kwargs && result.result !== false) {
      let holdRet: Record<string, any>;
      try {
        holdRet = await applyHold(ctx, kwargs.hold, { name, pkgs, sources });
      } catch (err) {
        return ret(name, false, (err as Error).message);
      }
      for (const h of Object.values(holdRet)) {
        if (h.changes && Object.keys(h.changes).length) {
          result.comment += `.\n${h.comment}`;
          result.result = h.result;
          result.changes[h.name] = h.changes;
        }
      }
      for (const h of Object.values(holdRet)) {
        if ((!h.changes || !Object.keys(h.changes).length) && h.result) {
          result.comment += `.\n${h.comment}`;
          result.result = h.result;
        }
      }
      for (const h of Object.values(holdRet)) {
        if (!h.result) {
          result.comment += `.\n${h.comment}`;
          result.result = h.result;
        }
      }
    }
    return result;
  }
  const { desired, targets, toUnpurge, toReinstall, warnings } = found as Targets;
  const withWarnings = (r: StateRet) => {
    if (warnings.length) r.warnings = [...warnings];
    return r;
  };
  if (toUnpurge.length) return withWarnings(ret(name, false, 'lowpkg.unpurge not implemented'));
  const targetNames = Object.keys(targets);
  const reinstallNames = Object.keys(toReinstall);
  if (pkgs) pkgs = [...targetNames.map((x) => ({ [x]: targets[x] })), ...reinstallNames.map((x) => ({ [x]: toReinstall[x] }))];
  else if (sources) {
    const old = sources;
    sources = [
      ...old.filter((x) => targetNames.includes(Object.keys(x as object)[0])),
      ...old.filter((x) => reinstallNames.includes(Object.keys(x as object)[0])),
    ];
  }
  const comment: string[] = [];
  const changes: Record<string, any> = {};
  if (ctx.test) {
    if (targetNames.length) {
      for (const x of targetNames) changes[x] = { new: 'installed', old: '' };
      comment.push(`The following packages would be installed/updated: ${targetNames.join(', ')}`);
    }
    if (reinstallNames.length && p.reinstall) {
      const list = reinstallNames.map((x) => (sources ? x : desiredPkg(x, toReinstall)));
      for (const x of list) changes[x] = { new: 'installed', old: '' };
      comment.push(`The following packages would be reinstalled: ${list.join(', ')}`);
    }
    return withWarnings(ret(name, null, comment.join('\n'), changes));
  }
  let pkgRet: Record<string, any> = {};
  if (targetNames.length || reinstallNames.length) {
    let localSources: unknown[] | null = null;
    if (sources) {
      localSources = [];
      for (const s of sources) {
        const [k, v] = Object.entries(s as Record<string, unknown>)[0];
        localSources.push({ [k]: (await localSource(ctx, pyStr(v))) ?? pyStr(v) });
      }
    }
    const passthrough: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(kwargs)) if (k !== 'hold' && k !== 'sfun' && k !== '__reqs__') passthrough[k] = v;
    try {
      pkgRet = (await ctx.salt('pkg.install', [], {
        ...passthrough,
        name: null,
        refresh,
        fromrepo: p.fromrepo,
        skip_verify: isTrue(p.skip_verify),
        pkgs: localSources ? null : pkgs,
        sources: localSources,
        reinstall: reinstallNames.length > 0,
        ignore_epoch: p.ignore_epoch ?? false,
      })) as Record<string, any>;
    } catch (err) {
      if (err instanceof CommandExecutionError && err.info) {
        return withWarnings({ name, result: false, changes: (err.info.changes as Record<string, unknown>) ?? {}, comment: strerrorWithoutChanges(err) });
      }
      return withWarnings(ret(name, false, `An error was encountered while installing package(s): ${(err as Error).message}`));
    }
    refresh = false;
    if (isDict(pkgRet)) Object.assign(changes, pkgRet);
    else if (typeof pkgRet === 'string') {
      comment.push(pkgRet);
      pkgRet = {};
    }
  }
  let modifiedHold: any[] = [];
  let notModifiedHold: any[] = [];
  let failedHold: any[] = [];
  if ('hold' in kwargs) {
    let holdRet: Record<string, any>;
    try {
      holdRet = await applyHold(ctx, kwargs.hold, { name, pkgs: Object.keys(desired) });
    } catch (err) {
      comment.push((err as Error).message);
      return withWarnings(ret(name, false, comment.join('\n'), changes));
    }
    const all = Object.values(holdRet);
    modifiedHold = all.filter((h) => h.changes && Object.keys(h.changes).length);
    notModifiedHold = all.filter((h) => (!h.changes || !Object.keys(h.changes).length) && h.result);
    failedHold = all.filter((h) => !h.result);
  }
  let modified: string[];
  let notModified: string[];
  let failed: string[];
  if (sources) {
    modified = Object.keys(changes).filter((x) => x in targets);
    notModified = Object.keys(desired).filter((x) => !(x in targets) && !(x in toReinstall));
    failed = targetNames.filter((x) => !modified.includes(x));
  } else {
    const newPkgs = (await ctx.salt('pkg.list_pkgs', [], { versions_as_list: true })) as VersionLists;
    const ok: string[] = [];
    const bad: string[] = [];
    for (const [pkgName, pkgver] of Object.entries(desired)) {
      const cver = newPkgs[pkgName.split('=')[0]];
      if (!cver) bad.push(pkgName);
      else if (pkgver === 'latest' || !pkgver) ok.push(pkgName);
      else if (pkgver.endsWith('*') && cver[0].startsWith(pkgver.slice(0, -1))) ok.push(pkgName);
      else if (await fulfillsVersionString(ctx, cver, pkgver, p.ignore_epoch)) ok.push(pkgName);
      else bad.push(pkgName);
    }
    modified = ok.filter((x) => x in targets);
    notModified = ok.filter((x) => !(x in targets) && !(x in toReinstall));
    failed = bad.filter((x) => x in targets);
  }
  const label = (x: string) => (sources ? x : desiredPkg(x, desired));
  if (modified.length) {
    const summary = modified.map(label).join(', ');
    if (summary.length < 20) comment.push(`The following packages were installed/updated: ${summary}`);
    else comment.push(`${modified.length} targeted package${modified.length > 1 ? 's' : ''} ${modified.length > 1 ? 'were' : 'was'} installed/updated.`);
  }
  for (const h of modifiedHold) {
    comment.push(h.comment);
    if (h.name in changes) {
      const c = changes[h.name];
      c.new = `${c.new ? `${c.new}\n` : ''}${h.changes.new}`;
      c.old = `${c.old ? `${c.old}\n` : ''}${h.changes.old}`;
    } else changes[h.name] = { new: `${h.changes.new}` };
  }
  if (notModified.length) {
    const summary = notModified.map(label).join(', ');
    if (notModified.length <= 20) comment.push(`The following packages were already installed: ${summary}`);
    else comment.push(`${notModified.length} targeted package${notModified.length > 1 ? 's' : ''} ${notModified.length > 1 ? 'were' : 'was'} already installed`);
  }
  for (const h of notModifiedHold) comment.push(h.comment);
  let result = true;
  if (failed.length) {
    comment.unshift(`The following packages failed to install/update: ${failed.map(label).join(', ')}`);
    result = false;
  }
  for (const h of failedHold) {
    comment.push(h.comment);
    result = false;
  }
  const reFailed: string[] = [];
  for (const pkgName of reinstallNames) {
    if (pkgName in pkgRet) comment.push(`Package ${label(pkgName)} was reinstalled.`);
    else reFailed.push(pkgName);
  }
  for (const pkgName of reFailed) comment.push(`Reinstall was not successful for package ${label(pkgName)}.`);
  if (reFailed.length) result = false;
  return withWarnings(ret(name, result, comment.join('\n'), changes));
}

async function latest(p: Record<string, any>, ctx: StateCallContext, kwargs: Record<string, unknown>): Promise<StateRet> {
  const name = p.name;
  const refresh = isTrue(p.refresh);
  if (kwargs.sources) return ret(name, false, 'The "sources" parameter is not supported.');
  let desiredPkgs: string[];
  const pkgs: unknown[] | null = Array.isArray(p.pkgs) ? p.pkgs : null;
  if (pkgs && pkgs.length) {
    desiredPkgs = Object.keys(repackPkgs(pkgs));
    if (!desiredPkgs.length) return ret(name, false, 'Invalidly formatted "pkgs" parameter. See minion log.');
  } else if (pkgs) return ret(name, true, 'No packages to install provided');
  else desiredPkgs = [pyStr(name)];
  let avail: unknown;
  try {
    avail = await ctx.salt('pkg.latest_version', desiredPkgs, { fromrepo: p.fromrepo, refresh });
  } catch (err) {
    return ret(name, false, `An error was encountered while checking the newest available version of package(s): ${(err as Error).message}`);
  }
  let cur: unknown;
  try {
    cur = await ctx.salt('pkg.version', desiredPkgs);
  } catch (err) {
    return ret(name, false, (err as Error).message);
  }
  const curMap = (typeof cur === 'string' ? { [desiredPkgs[0]]: cur } : cur) as Record<string, string>;
  const availMap = (typeof avail === 'string' ? { [desiredPkgs[0]]: avail } : avail) as Record<string, string>;
  const targets: Record<string, string> = {};
  const problems: string[] = [];
  for (const pkg of desiredPkgs) {
    if (!availMap[pkg]) {
      if (!curMap[pkg]) {
        const msg = `No information found for '${pkg}'.`;
        ctx.log.error(msg);
        problems.push(msg);
      }
    } else targets[pkg] = availMap[pkg];
  }
  if (problems.length) return ret(name, false, problems.join(' '));
  const targetNames = Object.keys(targets).sort();
  if (targetNames.length) {
    const upToDate = pkgs ? pkgs.map((x) => (isDict(x) ? Object.keys(x)[0] : pyStr(x))).filter((x) => !(x in targets)) : [];
    if (ctx.test) {
      const comments = [`The following packages would be installed/upgraded: ${targetNames.join(', ')}`];
      if (upToDate.length) {
        if (upToDate.length <= 10) comments.push(`The following packages are already up-to-date: ${[...upToDate].sort().map((x) => `${x} (${curMap[x]})`).join(', ')}`);
        else comments.push(`${upToDate.length} packages are already up-to-date`);
      }
      return ret(name, null, comments.join('\n'));
    }
    let changes: Record<string, any>;
    try {
      changes = (await ctx.salt('pkg.install', [], { name: null, refresh: false, fromrepo: p.fromrepo, skip_verify: isTrue(p.skip_verify), pkgs: Object.keys(targets) })) as Record<string, any>;
    } catch (err) {
      return ret(name, false, `An error was encountered while installing package(s): ${(err as Error).message}`);
    }
    if (changes && Object.keys(changes).length) {
      const failed = Object.keys(targets).filter(
        (x) => !changes[x] || (changes[x].new !== null && changes[x].new !== undefined && !pyStr(changes[x].new).split(',').includes(targets[x]) && targets[x] !== 'latest'),
      );
      const successful = Object.keys(targets).filter((x) => !failed.includes(x));
      const comments: string[] = [];
      if (failed.length) comments.push(`The following packages failed to update: ${[...failed].sort().join(', ')}`);
      if (successful.length) comments.push(`The following packages were successfully installed/upgraded: ${[...successful].sort().join(', ')}`);
      if (upToDate.length) {
        comments.push(upToDate.length <= 10 ? `The following packages were already up-to-date: ${[...upToDate].sort().join(', ')}` : `${upToDate.length} packages were already up-to-date `);
      }
      return ret(name, !failed.length, comments.join(' '), changes);
    }
    let comment: string;
    if (targetNames.length > 10) comment = `${targetNames.length} targeted packages failed to update. See debug log for details.`;
    else if (targetNames.length > 1) comment = `The following targeted packages failed to update. See debug log for details: (${targetNames.join(', ')}).`;
    else comment = `Package ${targetNames[0]} failed to update.`;
    if (upToDate.length) {
      comment += upToDate.length <= 10 ? ` The following packages were already up-to-date: ${[...upToDate].sort().join(', ')}` : `${upToDate.length} packages were already up-to-date`;
    }
    return ret(name, false, comment, changes ?? {});
  }
  let comment: string;
  if (desiredPkgs.length > 10) comment = `All ${desiredPkgs.length} packages are up-to-date.`;
  else if (desiredPkgs.length > 1) comment = `All packages are up-to-date (${[...desiredPkgs].sort().join(', ')}).`;
  else comment = `Package ${desiredPkgs[0]} is already up-to-date`;
  return ret(name, true, comment);
}

/** Salt's `_uninstall` for `removed` and `purged`. */
async function uninstall(action: 'remove' | 'purge', p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = p.name;
  const pkgs: unknown[] | null = Array.isArray(p.pkgs) && p.pkgs.length ? p.pkgs : null;
  const version = p.version === null || p.version === undefined ? null : pyStr(p.version);
  const toRemove: Desired = pkgs ? repackPkgs(pkgs) : { [pyStr(name)]: version };
  const params = Object.keys(toRemove);
  const cur = (await ctx.salt('pkg.list_pkgs', [], { versions_as_list: true })) as VersionLists;
  let targets: string[] = [];
  let versionSpec = false;
  for (const [pkgName, pkgver] of Object.entries(toRemove)) {
    const cver = cur[pkgName] ?? [];
    if (!cver.length) continue;
    if (!pkgver) {
      targets.push(pkgName);
      continue;
    }
    versionSpec = true;
    if (await fulfillsVersionString(ctx, cver, pkgver, p.ignore_epoch)) targets.push(pkgName);
  }
  if (!targets.length && action === 'remove') {
    return ret(name, true, `All specified packages${versionSpec ? ' (matching specified versions)' : ''} are already absent`);
  }
  if (action === 'purge') {
    const oldRemoved = (await ctx.salt('pkg.list_pkgs', [], { versions_as_list: true, removed: true })) as VersionLists;
    targets.push(...params.filter((x) => x in oldRemoved));
  }
  targets = [...new Set(targets)].sort();
  if (!targets.length) return ret(name, true, `None of the targeted packages are installed${action === 'purge' ? ' or partially installed' : ''}`);
  if (ctx.test) {
    const changes: Record<string, unknown> = {};
    for (const x of targets) changes[x] = { new: `${action}d`, old: '' };
    return ret(name, null, `The following packages will be ${action}d: ${targets.join(', ')}.`, changes);
  }
  const changes = (await ctx.salt(`pkg.${action}`, [name], { pkgs })) as Record<string, unknown>;
  const after = (await ctx.salt('pkg.list_pkgs', [], { versions_as_list: true })) as VersionLists;
  const failed = params.filter((x) => x in after);
  if (action === 'purge') {
    const newRemoved = (await ctx.salt('pkg.list_pkgs', [], { versions_as_list: true, removed: true })) as VersionLists;
    failed.push(...params.filter((x) => x in newRemoved));
  }
  failed.sort();
  if (failed.length) return ret(name, false, `The following packages failed to ${action}: ${failed.join(', ')}.`, changes);
  const notInstalled = params.filter((x) => !targets.includes(x)).sort();
  const comments: string[] = [];
  if (notInstalled.length) {
    comments.push(`The following packages were not installed: ${notInstalled.join(', ')}`);
    comments.push(`The following packages were ${action}d: ${targets.join(', ')}.`);
  } else comments.push(`All targeted packages were ${action}d.`);
  return ret(name, true, comments.join(' '), changes);
}

async function uninstallState(action: 'remove' | 'purge', p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  try {
    return await uninstall(action, p, ctx);
  } catch (err) {
    if (err instanceof CommandExecutionError && err.info) {
      return { name: p.name, result: false, changes: (err.info.changes as Record<string, unknown>) ?? {}, comment: strerrorWithoutChanges(err) };
    }
    return ret(p.name, false, `An error was encountered while ${action === 'remove' ? 'removing' : 'purging'} package(s): ${(err as Error).message}`);
  }
}

const INSTALLED_ARGS = [
  'name', 'version', 'refresh', 'fromrepo', 'skip_verify', 'skip_suggestions', 'pkgs', 'sources', 'allow_updates',
  'pkg_verify', 'normalize', 'ignore_epoch', 'reinstall', 'update_holds',
] as const;
const INSTALLED_DEFAULTS = {
  version: null, refresh: null, fromrepo: null, skip_verify: false, skip_suggestions: false, pkgs: null, sources: null,
  allow_updates: false, pkg_verify: false, normalize: true, ignore_epoch: null, reinstall: false, update_holds: false,
};
const LATEST_ARGS = ['name', 'refresh', 'fromrepo', 'skip_verify', 'pkgs', 'watch_flags'] as const;
const LATEST_DEFAULTS = { refresh: null, fromrepo: null, skip_verify: false, pkgs: null, watch_flags: true };
const REMOVE_ARGS = ['name', 'version', 'pkgs', 'normalize', 'ignore_epoch'] as const;
const REMOVE_DEFAULTS = { version: null, pkgs: null, normalize: true, ignore_epoch: null };

const mod: SaltModule = {
  name: 'pkg',
  functions: {
    installed: defineState(
      { args: INSTALLED_ARGS, defaults: INSTALLED_DEFAULTS, kwargs: true, doc: 'Ensure that the package is installed, and that it is the correct version (if specified).' },
      (p, ctx, { kwargs }) => installed(p, ctx, kwargs),
    ),
    latest: defineState(
      { args: LATEST_ARGS, defaults: LATEST_DEFAULTS, kwargs: true, doc: 'Ensure that the named package is installed and the latest available package.' },
      (p, ctx, { kwargs }) => latest(p, ctx, kwargs),
    ),
    removed: defineState(
      { args: REMOVE_ARGS, defaults: REMOVE_DEFAULTS, kwargs: true, doc: 'Verify that a package is not installed, calling ``pkg.remove`` if necessary to remove the package.' },
      (p, ctx) => uninstallState('remove', p, ctx),
    ),
    purged: defineState(
      { args: REMOVE_ARGS, defaults: REMOVE_DEFAULTS, kwargs: true, doc: 'Verify that a package is not installed, calling ``pkg.purge`` if necessary to purge the package.' },
      (p, ctx) => uninstallState('purge', p, ctx),
    ),
    mod_watch: defineState({ args: ['name'], kwargs: true, doc: 'Install/reinstall a package based on a watch requisite' }, (p, ctx, { kwargs }) => {
      const sfun = kwargs.sfun;
      const rest: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(kwargs)) if (k !== 'sfun' && k !== '__reqs__') rest[k] = v;
      const params = { ...rest, name: p.name } as Record<string, any>;
      const kw: Record<string, unknown> = {};
      const pick = (args: readonly string[], defaults: Record<string, unknown>) => {
        const out: Record<string, any> = { ...defaults, name: p.name };
        for (const [k, v] of Object.entries(params)) {
          if (args.includes(k)) out[k] = v;
          else kw[k] = v;
        }
        return out;
      };
      if (sfun === 'installed') return installed(pick(INSTALLED_ARGS, INSTALLED_DEFAULTS), ctx, kw);
      if (sfun === 'latest') return latest(pick(LATEST_ARGS, LATEST_DEFAULTS), ctx, kw);
      if (sfun === 'removed') return uninstallState('remove', pick(REMOVE_ARGS, REMOVE_DEFAULTS), ctx);
      if (sfun === 'purged') return uninstallState('purge', pick(REMOVE_ARGS, REMOVE_DEFAULTS), ctx);
      return ret(p.name, false, `pkg.${pyStr(sfun)} does not work with the watch requisite`);
    }),
  },
};

export default mod;
