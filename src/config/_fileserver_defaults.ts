/**
 * File server and git_pillar defaults that Salt repeats in both its master and minion default
 * tables (`DEFAULT_MASTER_OPTS`, `DEFAULT_MINION_OPTS`): kept once here.
 */
import { DEFAULT_INTERVAL, DFLT_REFSPECS } from './_log_defaults.js';

export function sharedFileserverDefaults() {
  return {
    roots_update_interval: DEFAULT_INTERVAL,
    gitfs_update_interval: DEFAULT_INTERVAL,
    git_pillar_update_interval: DEFAULT_INTERVAL,
    hgfs_update_interval: DEFAULT_INTERVAL,
    minionfs_update_interval: DEFAULT_INTERVAL,
    s3fs_update_interval: DEFAULT_INTERVAL,
    svnfs_update_interval: DEFAULT_INTERVAL,
    git_pillar_base: 'master',
    git_pillar_branch: 'master',
    git_pillar_env: '',
    git_pillar_fallback: '',
    git_pillar_root: '',
    git_pillar_ssl_verify: true,
    git_pillar_global_lock: true,
    git_pillar_user: '',
    git_pillar_password: '',
    git_pillar_insecure_auth: false,
    git_pillar_privkey: '',
    git_pillar_pubkey: '',
    git_pillar_passphrase: '',
    git_pillar_refspecs: [...DFLT_REFSPECS],
    git_pillar_includes: true,
  };
}
