/**
 * Replays render/sls.json (real Salt 3006.10): for every case, the renderer pipeline's result for
 * the one SLS file (`expected.rendered`) or its error (`expected.render_error` /
 * `render_error_type`). `show_sls` (include/extend collection, normalisation, verify_high) is the
 * state compiler's and is replayed in src/state/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PyFloat, pyFloatRepr } from '../protocol/pytypes.js';
import { conformanceDir } from '../../test/support/conformance.js';
import { testSaltCaller } from './_test_salt.js';
import { pyJsonLoads } from './py_json.js';
import { findSls, renderSls } from './pipeline.js';

process.env.TZ = 'UTC'; // the corpus was generated with TZ=UTC (strftime on timestamps)

interface RenderInput {
  sls: string;
  saltenv?: string;
  files: Record<string, Record<string, string>>;
  grains: Record<string, unknown>;
  pillar: Record<string, unknown>;
  pillar_override?: Record<string, unknown>;
  opts: Record<string, unknown>;
}

interface RenderCase {
  id: string;
  what: string;
  input: RenderInput;
  expected: { rendered?: unknown; render_error?: string; render_error_type?: string };
}

/** Cases that cannot be matched, with the reason. */
const EXCLUDED: Record<string, string> = {
  'render-shebang-py': 'the py renderer executes Python code; salt-ts cannot run Python (it fails with UnsupportedRendererError instead of silently rendering {})',
};

const CACHEDIR = '/var/cache/salt/minion';

function loadRenderCases(): RenderCase[] {
  const cases = pyJsonLoads(readFileSync(join(conformanceDir, 'render', 'sls.json'), 'utf8'), { mapObjects: true }) as Map<string, unknown>[];
  const obj = (m: unknown) => Object.fromEntries(m as Map<string, unknown>);
  return cases.map((m) => {
    const c = obj(m);
    const input = obj(c.input);
    input.files = Object.fromEntries([...(input.files as Map<string, unknown>)].map(([env, files]) => [env, obj(files)]));
    for (const k of ['grains', 'pillar', 'opts', 'pillar_override']) if (k in input) input[k] = toData(input[k]);
    const expected = obj(c.expected);
    if ('rendered' in expected) expected.rendered = toData(expected.rendered);
    return { ...c, input, expected } as unknown as RenderCase;
  });
}

/** Corpus data: `{"$float"}`/`{"$bytes"}` decoded; objects stay Maps when key order needs it. */
function toData(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toData);
  if (v instanceof Map) {
    if (v.size === 1 && v.has('$float')) return { inf: Infinity, '-inf': -Infinity, nan: NaN }[v.get('$float') as string];
    if (v.size === 1 && v.has('$bytes')) return Buffer.from(v.get('$bytes') as string, 'base64');
    const obj: Record<string, unknown> = {};
    const keys = [...v.keys()];
    if (keys.some((k) => /^(0|[1-9]\d*)$/.test(k))) return new Map([...v].map(([k, val]) => [k, toData(val)]));
    for (const [k, val] of v) Object.defineProperty(obj, k, { value: toData(val), enumerable: true, writable: true, configurable: true });
    return obj;
  }
  return v;
}

/** Python's json.dumps key text for a non-string key. */
function jsonKey(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'null';
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (k instanceof PyFloat) return pyFloatRepr(k.value);
  if (typeof k === 'number') return Number.isInteger(k) ? String(k) : pyFloatRepr(k);
  return String(k);
}

/** An order-preserving text form that keeps ints, floats and bytes apart. */
function canon(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}`;
  if (v instanceof PyFloat) return `${v.value}.0f`;
  if (typeof v === 'number') return Number.isInteger(v) ? `${v}` : `${v}f`;
  if (Buffer.isBuffer(v)) return `b64:${v.toString('base64')}`;
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  return `{${entries.map(([k, val]) => `${JSON.stringify(jsonKey(k))}:${canon(val)}`).join(',')}}`;
}

function fillPlaceholders(text: string): string {
  return text.replaceAll('{{CACHEDIR}}', CACHEDIR);
}

/** Only the part before a Python traceback is normative. */
function normative(text: string): string {
  const at = text.indexOf('\nTraceback (most recent call last):');
  return at < 0 ? text : text.slice(0, at);
}

async function render(c: RenderCase): Promise<unknown> {
  const saltenv = c.input.saltenv ?? 'base';
  const lookup = async (env: string, path: string) => c.input.files[env]?.[path] ?? null;
  const source = await findSls(c.input.sls, saltenv, lookup);
  assert.ok(source, `no SLS file for ${c.input.sls}`);
  const opts = { ...c.input.opts, cachedir: CACHEDIR };
  return renderSls({
    sls: c.input.sls,
    saltenv,
    source,
    lookup,
    context: { salt: testSaltCaller(opts, c.input.grains, c.input.pillar), grains: c.input.grains, pillar: c.input.pillar, opts },
  });
}

for (const c of loadRenderCases()) {
  const excluded = EXCLUDED[c.id];
  test(`${c.id}: ${c.what}`, { skip: excluded }, async () => {
    if ('rendered' in c.expected) {
      const result = await render(c);
      assert.equal(canon(result), canon(c.expected.rendered));
      return;
    }
    await assert.rejects(render(c), (err: Error) => {
      assert.equal(err.name, c.expected.render_error_type);
      assert.equal(normative(err.message), normative(fillPlaceholders(c.expected.render_error!)));
      return true;
    });
  });
}
