import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeWire, encodeWire } from '../protocol/payload.js';
import { fileClientFor, registerRemoteFileClient } from '../state/file_client.js';
import { FileTransportError } from './errors.js';
import { checkIncludeExclude, chunkToBuffer, localFileClient, registerMasterFileClient, RemoteFileClient } from './remote_client.js';
import { handleFileServerCommand } from './server.js';

let dir: string;
let masterOpts: Record<string, unknown>;
let minionOpts: Record<string, unknown>;
const binary = randomBytes(1024 * 1024 + 777);
const text = 'ü-é-'.repeat(300000); // valid UTF-8 spanning chunk boundaries mid-character

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rc-'));
  const base = join(dir, 'srv');
  mkdirSync(join(base, 'web', 'conf'), { recursive: true });
  mkdirSync(join(base, 'web', 'empty'), { recursive: true });
  writeFileSync(join(base, 'top.sls'), 'base: {}\n');
  writeFileSync(join(base, 'web', 'init.sls'), 'a: 1\n');
  writeFileSync(join(base, 'web', 'conf', 'x.conf'), 'x=1\n');
  writeFileSync(join(base, 'web', 'conf', 'y.ini'), 'y=1\n');
  writeFileSync(join(base, 'web.sls.bak'), 'no');
  writeFileSync(join(base, 'bin.dat'), binary);
  writeFileSync(join(base, 'text.txt'), text);
  writeFileSync(join(base, 'empty.txt'), '');
  masterOpts = { file_roots: { base: [base] }, cachedir: join(dir, 'master-cache'), file_recv: true };
  minionOpts = { id: 'minion1', cachedir: join(dir, 'minion-cache'), file_buffer_size: 100000 };
});

after(() => {
  registerRemoteFileClient(undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** A request function that goes through the wire encoding both ways, like the minion's channel. */
function wireRequest(log: string[] = []) {
  return async (load: Record<string, unknown>) => {
    const decodedLoad = decodeWire(encodeWire(load)) as Record<string, unknown>;
    log.push(String(decodedLoad.cmd));
    const reply = await handleFileServerCommand(String(decodedLoad.cmd), decodedLoad, masterOpts);
    return decodeWire(encodeWire(reply ?? {}));
  };
}

test('chunkToBuffer turns decoded UTF-8 text back into the same bytes', () => {
  const bytes = Buffer.from('héllo ✓', 'utf8');
  assert.ok(chunkToBuffer(decodeWire(encodeWire(bytes)))!.equals(bytes));
  const raw = Buffer.from([0xff, 0xfe, 0x00]);
  assert.ok(chunkToBuffer(decodeWire(encodeWire(raw)))!.equals(raw));
  assert.equal(chunkToBuffer(5), null);
});

test('getFileTo downloads binary and multi-byte text files intact across 1 MiB chunks', async () => {
  const client = new RemoteFileClient({ opts: minionOpts, request: wireRequest() });
  const b = await client.getFileTo('salt://bin.dat', join(dir, 'out', 'bin.dat'), { makedirs: true });
  assert.equal(b, join(dir, 'out', 'bin.dat'));
  assert.ok(readFileSync(b as string).equals(binary));
  const t = await client.getFileTo('salt://text.txt', join(dir, 'out') + '/', {});
  assert.equal(t, join(dir, 'out', 'text.txt'));
  assert.equal(readFileSync(t as string, 'utf8'), text);
  const z = await client.getFileTo('salt://bin.dat', join(dir, 'out', 'bin.gz.dat'), { gzip: 5 });
  assert.ok(readFileSync(z as string).equals(binary));
});

test('getFileTo refuses a missing file, a missing directory without makedirs and unsafe paths', async () => {
  const client = new RemoteFileClient({ opts: minionOpts, request: wireRequest() });
  assert.equal(await client.getFileTo('salt://nope', join(dir, 'out', 'nope')), false);
  assert.equal(await client.getFileTo('salt://top.sls', join(dir, 'no', 'such', 'dir', 'top.sls')), false);
  assert.equal(await client.getFileTo('salt://../etc/passwd', ''), false);
  assert.equal(existsSync(join(dir, 'no')), false);
});

test('cacheFile caches under cachedir/files/<saltenv>/ and skips the download when the hash matches', async () => {
  const log: string[] = [];
  const client = new RemoteFileClient({ opts: minionOpts, request: wireRequest(log) });
  const path = await client.cacheFile('salt://web/conf/x.conf', 'base');
  assert.equal(path, join(dir, 'minion-cache', 'files', 'base', 'web', 'conf', 'x.conf'));
  assert.equal(readFileSync(path as string, 'utf8'), 'x=1\n');
  assert.ok(log.includes('_serve_file'));
  log.length = 0;
  assert.equal(await client.cacheFile('salt://web/conf/x.conf', 'base'), path);
  assert.deepEqual(log, ['_file_hash']);
  assert.equal(await client.cacheFile('salt://missing.txt', 'base'), false);
  assert.equal(await client.isCached('salt://web/conf/x.conf'), path);
  assert.equal(await client.isCached('salt://web/conf/never.conf'), '');
});

test('an empty file on the master is cached as an empty file', async () => {
  const client = new RemoteFileClient({ opts: minionOpts, request: wireRequest() });
  const path = await client.cacheFile('salt://empty.txt', 'base');
  assert.equal(statSync(path as string).size, 0);
});

test('getFile (the state FileClient) returns the cached copy and its bytes, or null', async () => {
  const client = new RemoteFileClient({ opts: minionOpts, request: wireRequest() });
  const f = await client.getFile('base', 'web/init.sls');
  assert.equal(f?.data.toString(), 'a: 1\n');
  assert.equal(await client.getFile('base', 'nope.sls'), null);
  assert.deepEqual(await client.envs(), ['base']);
  assert.ok((await client.listFiles('base')).includes('web/init.sls'));
});

test('listStates, cacheDir with patterns, getDir and hashFile', async () => {
  const client = new RemoteFileClient({ opts: minionOpts, request: wireRequest() });
  assert.deepEqual(await client.listStates('base'), ['top', 'web']);
  const cached = await client.cacheDir('salt://web', 'base', true, '*.conf');
  assert.deepEqual(cached, [join(dir, 'minion-cache', 'files', 'base', 'web', 'conf', 'x.conf'), `${join(dir, 'minion-cache', 'files', 'base')}/web/empty`]);
  const got = await client.getDir('salt://web/conf', join(dir, 'copy'));
  assert.deepEqual(got, [join(dir, 'copy', 'conf', 'x.conf'), join(dir, 'copy', 'conf', 'y.ini')]);
  const h = (await client.hashFile('salt://web/init.sls')) as Record<string, string>;
  assert.equal(h.hash_type, 'sha256');
  assert.equal(await client.hashFile('salt://nope'), '');
  assert.deepEqual(await client.hashFile(join(dir, 'no-such-local')), [{}, null]);
});

test('checkIncludeExclude follows Salt: globs, E@ regexes, both must pass', () => {
  assert.equal(checkIncludeExclude('web/a.conf', '*.conf'), true);
  assert.equal(checkIncludeExclude('web/a.ini', '*.conf'), false);
  assert.equal(checkIncludeExclude('web/a.conf', null, 'E@\\.conf$'), false);
  assert.equal(checkIncludeExclude('web/a.conf', ['*.ini', '*.conf'], '*/b*'), true);
});

test('a reply that is not a file chunk is a transport error after three retries', async () => {
  let calls = 0;
  const client = new RemoteFileClient({
    opts: minionOpts,
    request: async (load) => {
      if (load.cmd === '_file_hash') return { hash_type: 'sha256', hsum: 'x' };
      calls++;
      return 'garbage';
    },
  });
  await assert.rejects(client.cacheFile('salt://web/init.sls'), FileTransportError);
  assert.equal(calls, 4);
});

test('a master naming another dest cannot make the client write outside its cache', async () => {
  const client = new RemoteFileClient({
    opts: minionOpts,
    request: async (load) => {
      if (load.cmd === '_file_hash') return { hash_type: 'sha256', hsum: 'x' };
      return load.loc === 0 ? { data: 'pwned', dest: '../../../../tmp/pwned' } : { data: '', dest: '../../../../tmp/pwned' };
    },
  });
  const path = await client.cacheFile('salt://safe.txt');
  assert.equal(path, join(dir, 'minion-cache', 'files', 'base', 'safe.txt'));
});

test('push uploads a file in file_buffer_size chunks through _file_recv', async () => {
  const client = new RemoteFileClient({ opts: minionOpts, request: wireRequest() });
  const src = join(dir, 'to-push.bin');
  const data = randomBytes(250000);
  writeFileSync(src, data);
  assert.equal(await client.push(src), true);
  assert.ok(readFileSync(join(dir, 'master-cache', 'minions', 'minion1', 'files', src.slice(1))).equals(data));
  assert.equal(await client.push(src, { uploadPath: '/up/here.bin' }), true);
  assert.ok(readFileSync(join(dir, 'master-cache', 'minions', 'minion1', 'files', 'up', 'here.bin')).equals(data));
  assert.equal(await client.push('relative/path'), false);
  assert.equal(await client.push(src, { uploadPath: '../../x' }), false);
});

test('registerMasterFileClient makes the state system use the master file client unless file_client is local', () => {
  registerMasterFileClient(wireRequest());
  assert.ok(fileClientFor({ ...minionOpts, file_client: 'remote' }) instanceof RemoteFileClient);
  assert.ok(!(fileClientFor({ ...minionOpts, file_client: 'local' }) instanceof RemoteFileClient));
  registerRemoteFileClient(undefined);
});

test('the masterless client serves the minion file_roots and cannot push', async () => {
  const client = localFileClient({ ...minionOpts, file_roots: masterOpts.file_roots });
  assert.ok((await client.fileList('base')).includes('web/init.sls'));
  const p = await client.cacheFile('salt://web/init.sls');
  assert.equal(readFileSync(p as string, 'utf8'), 'a: 1\n');
  await assert.rejects(client.push(join(dir, 'to-push.bin')), /needs a master/);
});
