/**
 * `npm run demo`: the first-tutorial experience on one machine. Writes a master and a minion
 * config under ./.salt-demo (embedded defaults, 127.0.0.1), starts salt-master and salt-minion as
 * daemons, accepts the minion's key with salt-key and runs `salt '*' test.ping`.
 * `npm run demo -- stop` stops both daemons.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const root = join(repo, '.salt-demo');
const confDir = join(root, 'etc', 'salt');

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

async function pickPorts(): Promise<[number, number]> {
  for (const base of [4505, 14505, 24505, 34505]) {
    if ((await portFree(base)) && (await portFree(base + 1))) return [base, base + 1];
  }
  throw new Error('no free port pair for the demo master');
}

function salt(prog: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [join(repo, 'bin', prog), '-c', confDir, ...args], { encoding: 'utf8' });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

function pidOf(name: string): number | null {
  try {
    const pid = Number(readFileSync(join(root, 'var', 'run', `${name}.pid`), 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function stop(): Promise<void> {
  for (const name of ['salt-minion', 'salt-master']) {
    const pid = pidOf(name);
    if (pid) {
      process.kill(pid, 'SIGTERM');
      console.log(`stopped ${name} (pid ${pid})`);
    }
  }
}

async function start(): Promise<number> {
  mkdirSync(confDir, { recursive: true });
  if (!pidOf('salt-master')) {
    const [pub, ret] = await pickPorts();
    const common = `root_dir: ${root}\npidfile: ${join(root, 'var', 'run')}/%s.pid\n`;
    writeFileSync(join(confDir, 'master'), `${common.replace('%s', 'salt-master')}interface: 127.0.0.1\npublish_port: ${pub}\nret_port: ${ret}\nworker_threads: 2\n`);
    writeFileSync(join(confDir, 'minion'), `${common.replace('%s', 'salt-minion')}id: demo-minion\nmaster: 127.0.0.1\nmaster_port: ${ret}\nacceptance_wait_time: 1\n`);
    console.log(`$ salt-master -d -c ${confDir}`);
    salt('salt-master', ['-d']);
    for (let i = 0; i < 100 && !existsSync(join(root, 'var', 'run', 'salt', 'master', 'publish_pull.ipc')); i++) await sleep(100);
  }
  if (!pidOf('salt-minion')) {
    console.log(`$ salt-minion -d -c ${confDir}`);
    salt('salt-minion', ['-d']);
  }
  const pre = join(root, 'etc', 'salt', 'pki', 'master', 'minions_pre');
  const acc = join(root, 'etc', 'salt', 'pki', 'master', 'minions');
  for (let i = 0; i < 150; i++) {
    if ((existsSync(pre) && readdirSync(pre).length) || (existsSync(acc) && readdirSync(acc).length)) break;
    await sleep(100);
  }
  console.log('$ salt-key -L');
  process.stdout.write(salt('salt-key', ['-L']).out);
  console.log('$ salt-key -A -y');
  process.stdout.write(salt('salt-key', ['-A', '-y']).out);
  console.log("$ salt '*' test.ping");
  for (let i = 0; i < 30; i++) {
    const r = salt('salt', ['*', 'test.ping', '-t', '5']);
    if (r.code === 0 && r.out.includes('True')) {
      process.stdout.write(r.out);
      console.log(`\nMaster and minion keep running. Try:\n  ./bin/salt -c ${confDir} '*' cmd.run 'uname -a'\nStop them with: npm run demo -- stop`);
      return 0;
    }
    await sleep(1000);
  }
  console.error('The minion did not answer test.ping; logs are in ' + join(root, 'var', 'log', 'salt'));
  return 1;
}

if (process.argv[2] === 'stop') await stop();
else process.exitCode = await start();
