import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RendererInputError, SaltRenderError, YamlComposerError, getContext } from './errors.js';
import { defaultRenderers, findSls, parseRenderPipe, renderSls, type Renderer } from './pipeline.js';
import { PyFloat } from '../protocol/pytypes.js';
import { JsonDecodeError } from './py_json.js';
import { slsContext } from './renderers/jinja.js';

const files: Record<string, string> = { 'map.jinja': "{% set port = 80 %}", 'pkg/init.sls': 'a: 1\n', 'one.sls': 'b: 2\n' };
const lookup = async (_env: string, path: string) => files[path] ?? null;

function run(text: string, opts: Record<string, unknown> = {}, extra: { renderers?: Map<string, Renderer>; sls?: string } = {}) {
  return renderSls({
    sls: extra.sls ?? 'main',
    saltenv: 'base',
    source: { path: `${(extra.sls ?? 'main').replace(/\./g, '/')}.sls`, text },
    lookup,
    context: { salt: async () => null, grains: { os: 'Debian' }, pillar: {}, opts: { renderer: 'jinja|yaml', ...opts } },
    renderers: extra.renderers,
  });
}

describe('renderer pipe', () => {
  test('splits and strips parts, keeps the argline, maps old-style names', () => {
    const pipe = parseRenderPipe(' jinja -s | yaml ', defaultRenderers());
    assert.deepEqual(pipe.map((s) => [s.name, s.argline]), [['jinja', '-s'], ['yaml', '']]);
    assert.deepEqual(parseRenderPipe('yaml_jinja', defaultRenderers()).map((s) => s.name), ['jinja', 'yaml']);
  });

  test('an unknown renderer empties the pipe; black- and whitelisted renderers are skipped', () => {
    assert.deepEqual(parseRenderPipe('jinja|text', defaultRenderers()), []);
    assert.deepEqual(parseRenderPipe('jinja|yaml', defaultRenderers(), ['jinja']).map((s) => s.name), ['yaml']);
    assert.deepEqual(parseRenderPipe('jinja|yaml', defaultRenderers(), [], ['yaml']).map((s) => s.name), ['yaml']);
  });

  test('empty or blank files and unknown renderers render to {}', async () => {
    assert.deepEqual(await run('  \n\n'), {});
    assert.deepEqual(await run('#!nosuch\na: 1\n'), {});
  });

  test('the shebang picks the pipe; #!/path does not', async () => {
    assert.equal(await run('#!jinja\n{{ grains.os }}\n'), '#!jinja\nDebian\n');
    assert.deepEqual(await run("#!/usr/bin/env salt\na: {{ grains['os'] }}\n"), { a: 'Debian' });
    assert.deepEqual(await run('a: {{ grains.os }}\n', { renderer: 'yaml' }).catch((e: Error) => e.name), 'SaltRenderError');
  });

  test('custom renderers plug into the registry', async () => {
    const renderers = defaultRenderers();
    renderers.set('upper', async (input) => String(input).toUpperCase());
    assert.equal(await run('#!jinja|upper\nx{{ 1 }}\n', {}, { renderers }), '#!JINJA|UPPER\nX1\n');
  });

  test('json renderer drops the shebang line and raises Python JSON errors', async () => {
    assert.deepEqual(await run('#!json\n{"a": [1, 2.0]}\n'), { a: [1, new PyFloat(2)] });
    await assert.rejects(run('#!json\n{"a": 1,}\n'), (err: unknown) => err instanceof JsonDecodeError && err.message === 'Expecting property name enclosed in double quotes: line 1 column 9 (char 8)');
  });

  test('data handed to a text renderer fails like Python', async () => {
    await assert.rejects(run('#!yaml|jinja\na: 1\n'), (err: unknown) => err instanceof RendererInputError && err.message === "'collections.OrderedDict' object has no attribute 'read'");
  });

  test('yaml errors: composer errors pass unwrapped, others become SaltRenderError', async () => {
    await assert.rejects(run('a: 1\n---\nb: 2\n'), YamlComposerError);
    await assert.rejects(run('a: [1\n'), SaltRenderError);
  });

  test('render errors record the file, saltenv and sls', async () => {
    const err = (await run('a: 1\nb: {{ nope }}\n').catch((e: unknown) => e)) as SaltRenderError;
    assert.ok(err instanceof SaltRenderError);
    assert.equal(err.file, 'main.sls');
    assert.equal(err.saltenv, 'base');
    assert.equal(err.sls, 'main');
    assert.equal(err.line, 2);
    assert.match(err.message, /^Jinja variable 'nope' is undefined; line 2\n\n---\na: 1\nb: \{\{ nope \}\}    <=+\n---$/);
  });

  test('imports resolve in the fileserver environment', async () => {
    assert.deepEqual(await run("{% from 'map.jinja' import port %}p: {{ port }}\n"), { p: 80 });
  });

  test('CRLF sources give CRLF text output', async () => {
    assert.equal(await run('#!jinja\r\na\r\nb\r\n'), '#!jinja\r\na\r\nb\r\n');
  });
});

describe('sls location', () => {
  test('findSls tries <name>.sls then <name>/init.sls', async () => {
    assert.deepEqual(await findSls('one', 'base', lookup), { path: 'one.sls', text: 'b: 2\n' });
    assert.deepEqual(await findSls('pkg', 'base', lookup), { path: 'pkg/init.sls', text: 'a: 1\n' });
    assert.equal(await findSls('none', 'base', lookup), null);
  });

  test('context variables follow Salt for plain and init.sls files', () => {
    assert.deepEqual(slsContext('/c/files/base/web/nginx/conf.sls', 'web.nginx.conf'), {
      tplpath: '/c/files/base/web/nginx/conf.sls', tplfile: 'web/nginx/conf.sls', tpldir: 'web/nginx', tpldot: 'web.nginx',
      slspath: 'web/nginx', slsdotpath: 'web.nginx', slscolonpath: 'web:nginx', sls_path: 'web_nginx',
    });
    const init = slsContext('/c/files/base/pkg/init.sls', 'pkg');
    assert.equal(init.tplfile, 'pkg/init.sls');
    assert.equal(init.tpldir, 'pkg');
    assert.equal(slsContext('/c/files/base/top.sls', 'top').tpldir, '.');
  });
});

describe('error context', () => {
  test('getContext marks the line and elides beyond five lines', () => {
    const text = Array.from({ length: 14 }, (_x, i) => `l${i + 1}`).join('\n');
    assert.equal(getContext(text, 7), '---\n[...]\nl2\nl3\nl4\nl5\nl6\nl7    <======================\nl8\nl9\nl10\nl11\nl12\n[...]\n---');
    assert.equal(getContext('a\nb', 9), 'a\nb');
  });

  test('SaltRenderError appends the line and context only with a buffer', () => {
    assert.equal(new SaltRenderError('boom').message, 'boom');
    assert.equal(new SaltRenderError('boom', 1, 'x\n').message, 'boom; line 1\n\n---\nx    <======================\n---');
  });
});
