/**
 * The built-in execution modules: the name functions are called by → how to import the file.
 * A static table so the loader imports a module only when one of its functions is called.
 * Several candidates for one name are providers tried in order (the first whose `virtual()`
 * accepts wins), the way Salt picks `pkg` from aptpkg/yumpkg.
 */
export type ModuleImport = () => Promise<unknown>;

export const BUILTIN_MODULES: Readonly<Record<string, readonly ModuleImport[]>> = {
  cmd: [() => import('../modules/cmd.js')],
  config: [() => import('../modules/config.js')],
  cp: [() => import('../modules/cp.js')],
  pillar: [() => import('../modules/pillar.js')],
  disk: [() => import('../modules/disk.js')],
  event: [() => import('../modules/event.js')],
  file: [() => import('../modules/file.js')],
  grains: [() => import('../modules/grains.js')],
  match: [() => import('../modules/match.js')],
  status: [() => import('../modules/status.js')],
  saltutil: [() => import('../modules/saltutil.js')],
  state: [() => import('../modules/state.js')],
  sys: [() => import('../modules/sys.js')],
  test: [() => import('../modules/test.js')],
  pkg: [() => import('../modules/aptpkg.js')],
  service: [() => import('../modules/systemd_service.js'), () => import('../modules/debian_service.js')],
  user: [() => import('../modules/useradd.js')],
  group: [() => import('../modules/groupadd.js')],
  network: [() => import('../modules/network.js')],
  ps: [() => import('../modules/ps.js')],
  cron: [() => import('../modules/cron.js')],
  timezone: [() => import('../modules/timezone.js')],
  system: [() => import('../modules/system.js')],
  hosts: [() => import('../modules/hosts.js')],
  ssh: [() => import('../modules/ssh.js')],
  schedule: [() => import('../modules/schedule.js')],
  mine: [() => import('../modules/mine.js')],
  beacons: [() => import('../modules/beacons.js')],
};
