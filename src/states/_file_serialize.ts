/**
 * `file.serialize`: a data set written as YAML or JSON (Salt's `yaml`/`json` serializers with
 * the options `file.serialize` gives them), optionally merged into the file's current data.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { pyJsonDumps } from '../output/json.js';
import { safeDump } from '../output/_yaml_emitter.js';
import { pyJsonLoads } from '../render/py_json.js';
import { deepCopy, isDict, pyStr } from '../state/_py.js';
import type { StateCallContext } from '../state/runner.js';
import { loadSaltYaml } from '../yaml/salt_yaml.js';
import type { StateRet } from './_define.js';
import { expandUser, failWith } from './_file_common.js';

type Managed = (p: Record<string, any>, ctx: StateCallContext) => Promise<StateRet>;

interface Serializer {
  serialize(data: unknown, opts: Record<string, unknown>): string;
  deserialize(text: string): unknown;
}

/** The serializers salt-ts has, by Salt's name. */
const SERIALIZERS: Record<string, Serializer> = {
  yaml: {
    serialize: (data, o) => {
      const text = safeDump(data, { defaultFlowStyle: !!o.default_flow_style, allowUnicode: !!o.allow_unicode, indent: typeof o.indent === 'number' ? o.indent : undefined });
      // Salt's yaml serializer drops the document end marker or the final newline.
      return text.endsWith('\n...\n') ? text.slice(0, -5) : text.endsWith('\n') ? text.slice(0, -1) : text;
    },
    deserialize: (text) => loadSaltYaml(text),
  },
  json: {
    serialize: (data, o) =>
      pyJsonDumps(data, { indent: (o.indent as number | null | undefined) ?? null, sortKeys: !!o.sort_keys, ensureAscii: o.ensure_ascii === true }),
    deserialize: (text) => pyJsonLoads(text),
  },
};

/** Salt's `dictupdate.update`: `upd` merged into a copy of `dest`, dicts recursively. */
function mergeRecurse(dest: Record<string, unknown>, upd: Record<string, unknown>): Record<string, unknown> {
  const out = deepCopy(dest);
  for (const [k, v] of Object.entries(upd)) {
    out[k] = isDict(out[k]) && isDict(v) ? mergeRecurse(out[k] as Record<string, unknown>, v) : deepCopy(v);
  }
  return out;
}

/** Salt's `RecursiveDictDiffer(...).diffs` with missing keys ignored: `{key: {new, old}}`, nested. */
function recursiveDiff(past: Record<string, unknown>, current: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(current)) {
    if (!(k in past)) out[k] = { new: v, old: '<_null_>' };
    else if (JSON.stringify(v) !== JSON.stringify(past[k])) {
      if (isDict(v) && isDict(past[k])) {
        const sub = recursiveDiff(past[k] as Record<string, unknown>, v);
        if (Object.keys(sub).length) out[k] = sub;
      } else out[k] = { new: v, old: past[k] };
    }
  }
  return out;
}

/** `serializer_opts` / `deserializer_opts`: a dict or a list of one-key dicts (Salt's `repack_dictlist`). */
function repack(v: unknown): Record<string, unknown> {
  if (isDict(v)) return v;
  const out: Record<string, unknown> = {};
  if (Array.isArray(v)) for (const item of v) if (isDict(item)) Object.assign(out, item);
  return out;
}

const sameData = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `file.serialize`. `managed` is `file.managed`, which writes the text. */
export async function serializeState(p: Record<string, any>, ctx: StateCallContext, managed: Managed): Promise<StateRet> {
  const name = expandUser(pyStr(p.name ?? ''));
  const ret: StateRet = { changes: {}, comment: '', name, result: true };
  if (!name) return failWith(ret, 'Must provide name to file.serialize');
  const serializerOptions: Record<string, Record<string, unknown>> = {
    yaml: { default_flow_style: false },
    json: { indent: 2, sort_keys: true },
  };
  if (p.encoding) {
    serializerOptions.yaml.allow_unicode = true;
    serializerOptions.json.ensure_ascii = false;
  }
  if (p.create === false && !(existsSync(name) && statSync(name).isFile())) {
    ret.comment = `File ${name} is not present and is not set for creation`;
    return ret;
  }
  if (p.serializer && p.formatter) return failWith(ret, 'Only one of serializer and formatter are allowed');
  const kind = pyStr(p.serializer || p.formatter || 'yaml').toLowerCase();
  if (p.dataset && p.dataset_pillar) return failWith(ret, "Only one of 'dataset' and 'dataset_pillar' is permitted");
  let dataset: unknown = p.dataset;
  if (p.dataset_pillar) {
    let cur: any = ctx.pillar;
    for (const part of pyStr(p.dataset_pillar).split(':')) cur = cur && typeof cur === 'object' ? cur[part] : undefined;
    dataset = cur === undefined ? '' : cur;
  }
  if (dataset === null || dataset === undefined) return failWith(ret, "Neither 'dataset' nor 'dataset_pillar' was defined");
  const serializer = SERIALIZERS[kind];
  if (!serializer) {
    return {
      changes: {}, name, result: false,
      comment: `The ${kind} serializer could not be found. It either does not exist or its prerequisites are not installed.`,
    };
  }
  Object.assign((serializerOptions[kind] ??= {}), repack(p.serializer_opts));
  let existing: unknown = null;
  let merged: unknown = null;
  if (p.merge_if_exists) {
    if (existsSync(name) && statSync(name).isFile()) {
      try {
        existing = serializer.deserialize(readFileSync(name, 'utf8'));
      } catch (err) {
        return failWith(ret, `Failed to deserialize existing data: ${(err as Error).message}`);
      }
      if (existing !== null && existing !== undefined) {
        merged = isDict(existing) && isDict(dataset) ? mergeRecurse(existing, dataset) : dataset;
        if (sameData(existing, merged)) {
          ret.comment = `The file ${name} is in the correct state`;
          return ret;
        }
        dataset = merged;
      }
    }
  } else if (p.deserializer_opts) {
    ret.warnings = ["The 'deserializer_opts' option is ignored unless merge_if_exists is set to True."];
  }
  const contents = `${serializer.serialize(dataset, serializerOptions[kind])}\n`;
  const managedArgs = {
    name, source: null, source_hash: '', user: p.user, group: p.group, mode: p.mode, template: null, makedirs: p.makedirs, dir_mode: null,
    context: null, replace: true, defaults: null, backup: p.backup, show_changes: p.show_changes, create: true, contents,
    contents_pillar: null, contents_newline: false, follow_symlinks: true,
  };
  const out = await managed(managedArgs, ctx);
  const result: StateRet = { ...out, name };
  if (ret.warnings) result.warnings = ret.warnings;
  if (ctx.test) {
    if (Object.keys(result.changes).length) {
      result.result = null;
      result.comment = `Dataset will be serialized and stored into ${name}`;
      if (p.show_changes === false) result.changes.diff = '<show_changes=False>';
    } else {
      result.result = true;
      result.comment = `The file ${name} is in the correct state`;
    }
  }
  if (isDict(existing) && isDict(merged)) result.changes.diff = recursiveDiff(existing, merged);
  return result;
}
