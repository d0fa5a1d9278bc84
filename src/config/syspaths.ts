/**
 * Salt's system paths (`salt/syspaths.py`) for a Linux install, the base of every default path option.
 * On Linux `LIB_STATE_DIR` falls back to `CONFIG_DIR`, which is why keys live in `/etc/salt/pki`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const ROOT_DIR = '/';
export const CONFIG_DIR = '/etc/salt';
export const LIB_STATE_DIR = CONFIG_DIR;
export const CACHE_DIR = '/var/cache/salt';
export const SOCK_DIR = '/var/run/salt';
export const SRV_ROOT_DIR = '/srv';
export const BASE_FILE_ROOTS_DIR = '/srv/salt';
export const BASE_PILLAR_ROOTS_DIR = '/srv/pillar';
export const BASE_MASTER_ROOTS_DIR = '/srv/salt-master';
export const BASE_THORIUM_ROOTS_DIR = '/srv/thorium';
export const LOGS_DIR = '/var/log/salt';
export const PIDFILE_DIR = '/var/run';
export const SPM_FORMULA_PATH = '/srv/spm/salt';
export const SPM_PILLAR_PATH = '/srv/spm/pillar';
export const SPM_REACTOR_PATH = '/srv/spm/reactor';
export const SHARE_DIR = '/usr/share/salt';

/** The invoking user's home directory (Salt's `HOME_DIR`), `/root` when it cannot be found. */
export function homeDir(): string {
  try {
    return homedir() || '/root';
  } catch {
    return '/root';
  }
}

/** `~/.ssh/config`, the default `ssh_config_file`. */
export function defaultSshConfigFile(): string {
  return join(homeDir(), '.ssh', 'config');
}
