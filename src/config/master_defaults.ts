/**
 * Salt's `DEFAULT_MASTER_OPTS` (3006.x, Linux), with the option names and values Salt uses.
 * Numbers Salt writes as floats (`20.0`) are plain numbers here.
 */
import { sharedFileserverDefaults } from './_fileserver_defaults.js';
import { join } from 'node:path';
import * as sys from './syspaths.js';
import {
  DEFAULT_HASH_TYPE,
  DEFAULT_INTERVAL,
  DFLT_LOG_DATEFMT,
  DFLT_LOG_DATEFMT_LOGFILE,
  DFLT_LOG_FMT_CONSOLE,
  DFLT_LOG_FMT_JID,
  DFLT_LOG_FMT_LOGFILE,
  DFLT_REFSPECS,
} from './_log_defaults.js';
import { currentUser } from './_user.js';

/** Salt environment name → list of directories (`file_roots`, `pillar_roots`). */
export type RootsMap = Record<string, string[]>;

/** Options common to master and minion that the daemons rely on. */
export interface CommonOpts {
  /** Path of the config file that was read (Salt's default path when none was). */
  conf_file: string;
  /** Directory the config was looked for in (`-c`). */
  config_dir: string;
  root_dir: string;
  pki_dir: string;
  cachedir: string;
  sock_dir: string;
  extension_modules: string;
  pidfile: string;
  log_file: string;
  log_level: string;
  log_level_logfile: string | null;
  user: string;
  id: string;
  interface: string;
  ipv6: boolean | null;
  ipc_mode: string;
  transport: string;
  hash_type: string;
  keysize: number;
  file_roots: RootsMap;
  pillar_roots: RootsMap;
  file_buffer_size: number;
  max_event_size: number;
  event_match_type: string;
  tcp_keepalive: boolean;
  tcp_keepalive_idle: number;
  tcp_keepalive_cnt: number;
  tcp_keepalive_intvl: number;
  zmq_filtering: boolean;
  sign_pub_messages: boolean;
  unique_jid: boolean;
  loop_interval: number;
  open_mode: boolean;
  auto_accept: boolean;
  default_include: string;
  include?: string | string[];
  __role: 'master' | 'minion';
  [option: string]: unknown;
}

/** Master options: every key Salt defines, typed where the daemons use them. */
export interface MasterOpts extends CommonOpts {
  __role: 'master';
  publish_port: number;
  ret_port: number;
  worker_threads: number;
  timeout: number;
  gather_job_timeout: number;
  keep_jobs: number;
  keep_jobs_seconds: number;
  pub_hwm: number;
  zmq_backlog: number;
  auth_mode: number;
  /** Not in Salt's defaults; readers use 120 (minutes) when unset. */
  autosign_timeout?: number;
  autosign_file?: string;
  autoreject_file?: string;
  autosign_grains_dir?: string;
  max_minions: number;
  publish_session: number;
  rotate_aes_key: boolean;
  ping_on_rotate: boolean;
  master_sign_pubkey: boolean;
  master_sign_key_name: string;
  master_use_pubkey_signature: boolean;
  master_pubkey_signature: string;
  publish_signing_algorithm: string;
  request_server_ttl: number;
  minimum_auth_version: number;
  require_minion_sign_messages: boolean;
  drop_messages_signature_fail: boolean;
  minion_data_cache: boolean;
  key_cache: string;
  job_cache: boolean;
  master_job_cache: string;
  file_recv: boolean;
  file_recv_max_size: number;
  pillar_version: number;
  token_expire: number;
  eauth_tokens: string;
  token_dir: string;
  syndic_dir: string;
  sqlite_queue_dir: string;
  key_logfile: string;
  nodegroups: Record<string, unknown>;
  external_auth: Record<string, unknown>;
  publisher_acl: Record<string, unknown>;
  peer: Record<string, unknown>;
  show_timeout: boolean;
  show_jid: boolean;
}

/**
 * A fresh copy of Salt's master defaults (before the config file, includes and `root_dir`).
 * `user` is the user running this process, as in Salt.
 */
export function masterDefaults(): MasterOpts {
  return {
    interface: '0.0.0.0',
    publish_port: 4505,
    zmq_backlog: 1000,
    pub_hwm: 1000,
    auth_mode: 1,
    user: currentUser(),
    worker_threads: 5,
    sock_dir: join(sys.SOCK_DIR, 'master'),
    sock_pool_size: 1,
    ret_port: 4506,
    timeout: 5,
    publish_timeout: 30,
    keep_jobs: 24,
    keep_jobs_seconds: 86400,
    archive_jobs: false,
    root_dir: sys.ROOT_DIR,
    pki_dir: join(sys.LIB_STATE_DIR, 'pki', 'master'),
    key_cache: '',
    cachedir: join(sys.CACHE_DIR, 'master'),
    file_roots: { base: [sys.BASE_FILE_ROOTS_DIR, sys.SPM_FORMULA_PATH] },
    master_roots: { base: [sys.BASE_MASTER_ROOTS_DIR] },
    pillar_roots: { base: [sys.BASE_PILLAR_ROOTS_DIR, sys.SPM_PILLAR_PATH] },
    on_demand_ext_pillar: ['libvirt', 'virtkey'],
    decrypt_pillar: [],
    decrypt_pillar_delimiter: ':',
    decrypt_pillar_default: 'gpg',
    decrypt_pillar_renderers: ['gpg'],
    gpg_decrypt_must_succeed: true,
    thoriumenv: null,
    thorium_top: 'top.sls',
    thorium_interval: 0.5,
    thorium_roots: { base: [sys.BASE_THORIUM_ROOTS_DIR] },
    top_file_merging_strategy: 'merge',
    env_order: [],
    saltenv: null,
    lock_saltenv: false,
    pillarenv: null,
    default_top: 'base',
    file_client: 'local',
    local: true,
    ...sharedFileserverDefaults(),
    git_pillar_verify_config: true,
    gitfs_remotes: [],
    gitfs_mountpoint: '',
    gitfs_root: '',
    gitfs_base: 'master',
    gitfs_fallback: '',
    gitfs_user: '',
    gitfs_password: '',
    gitfs_insecure_auth: false,
    gitfs_privkey: '',
    gitfs_pubkey: '',
    gitfs_passphrase: '',
    gitfs_saltenv_whitelist: [],
    gitfs_saltenv_blacklist: [],
    gitfs_global_lock: true,
    gitfs_ssl_verify: true,
    gitfs_saltenv: [],
    gitfs_ref_types: ['branch', 'tag', 'sha'],
    gitfs_refspecs: [...DFLT_REFSPECS],
    gitfs_disable_saltenv_mapping: false,
    hgfs_remotes: [],
    hgfs_mountpoint: '',
    hgfs_root: '',
    hgfs_base: 'default',
    hgfs_branch_method: 'branches',
    hgfs_saltenv_whitelist: [],
    hgfs_saltenv_blacklist: [],
    show_timeout: true,
    show_jid: false,
    unique_jid: false,
    svnfs_remotes: [],
    svnfs_mountpoint: '',
    svnfs_root: '',
    svnfs_trunk: 'trunk',
    svnfs_branches: 'branches',
    svnfs_tags: 'tags',
    svnfs_saltenv_whitelist: [],
    svnfs_saltenv_blacklist: [],
    max_event_size: 1048576,
    master_stats: false,
    master_stats_event_iter: 60,
    minionfs_env: 'base',
    minionfs_mountpoint: '',
    minionfs_whitelist: [],
    minionfs_blacklist: [],
    ext_pillar: [],
    pillar_version: 2,
    pillar_opts: false,
    pillar_safe_render_error: true,
    pillar_source_merging_strategy: 'smart',
    pillar_merge_lists: false,
    pillar_includes_override_sls: false,
    pillar_cache: false,
    pillar_cache_ttl: 3600,
    pillar_cache_backend: 'disk',
    gpg_cache: false,
    gpg_cache_ttl: 86400,
    gpg_cache_backend: 'disk',
    ping_on_rotate: false,
    peer: {},
    preserve_minion_cache: false,
    syndic_master: 'masterofmasters',
    syndic_failover: 'random',
    syndic_forward_all_events: false,
    syndic_log_file: join(sys.LOGS_DIR, 'syndic'),
    syndic_pidfile: join(sys.PIDFILE_DIR, 'salt-syndic.pid'),
    outputter_dirs: [],
    runner_dirs: [],
    utils_dirs: [],
    client_acl_verify: true,
    publisher_acl: {},
    publisher_acl_blacklist: {},
    sudo_acl: false,
    external_auth: {},
    token_expire: 43200,
    token_expire_user_override: false,
    permissive_acl: false,
    keep_acl_in_token: false,
    eauth_acl_module: '',
    eauth_tokens: 'localfs',
    extension_modules: join(sys.CACHE_DIR, 'master', 'extmods'),
    module_dirs: [],
    file_recv: false,
    file_recv_max_size: 100,
    file_buffer_size: 1048576,
    file_ignore_regex: [],
    file_ignore_glob: [],
    fileserver_backend: ['roots'],
    fileserver_followsymlinks: true,
    fileserver_ignoresymlinks: false,
    fileserver_verify_config: true,
    max_open_files: 100000,
    hash_type: DEFAULT_HASH_TYPE,
    optimization_order: [0, 1, 2],
    conf_file: join(sys.CONFIG_DIR, 'master'),
    config_dir: sys.CONFIG_DIR,
    open_mode: false,
    auto_accept: false,
    renderer: 'jinja|yaml',
    renderer_whitelist: [],
    renderer_blacklist: [],
    failhard: false,
    state_top: 'top.sls',
    state_top_saltenv: null,
    master_tops: {},
    master_tops_first: false,
    order_masters: false,
    job_cache: true,
    ext_job_cache: '',
    master_job_cache: 'local_cache',
    job_cache_store_endtime: false,
    minion_data_cache: true,
    enforce_mine_cache: false,
    ipc_mode: 'ipc',
    ipc_write_buffer: 0,
    req_server_niceness: null,
    pub_server_niceness: null,
    fileserver_update_niceness: null,
    mworker_niceness: null,
    mworker_queue_niceness: null,
    maintenance_niceness: null,
    event_return_niceness: null,
    event_publisher_niceness: null,
    reactor_niceness: null,
    ipv6: null,
    tcp_master_pub_port: 4512,
    tcp_master_pull_port: 4513,
    tcp_master_publish_pull: 4514,
    tcp_master_workers: 4515,
    log_file: join(sys.LOGS_DIR, 'master'),
    log_level: 'warning',
    log_level_logfile: null,
    log_datefmt: DFLT_LOG_DATEFMT,
    log_datefmt_logfile: DFLT_LOG_DATEFMT_LOGFILE,
    log_fmt_console: DFLT_LOG_FMT_CONSOLE,
    log_fmt_logfile: DFLT_LOG_FMT_LOGFILE,
    log_fmt_jid: DFLT_LOG_FMT_JID,
    log_granular_levels: {},
    log_rotate_max_bytes: 0,
    log_rotate_backup_count: 0,
    pidfile: join(sys.PIDFILE_DIR, 'salt-master.pid'),
    publish_session: 86400,
    range_server: 'range:80',
    reactor: [],
    reactor_refresh_interval: 60,
    reactor_worker_threads: 10,
    reactor_worker_hwm: 10000,
    engines: [],
    event_return: '',
    event_return_queue: 0,
    event_return_whitelist: [],
    event_return_blacklist: [],
    event_match_type: 'startswith',
    runner_returns: true,
    serial: 'msgpack',
    test: false,
    state_verbose: true,
    state_output: 'full',
    state_output_diff: false,
    state_output_profile: true,
    state_auto_order: true,
    state_events: false,
    state_aggregate: false,
    search: '',
    loop_interval: 60,
    nodegroups: {},
    ssh_list_nodegroups: {},
    ssh_use_home_key: false,
    cython_enable: false,
    enable_gpu_grains: false,
    key_logfile: join(sys.LOGS_DIR, 'key'),
    verify_env: true,
    permissive_pki_access: false,
    key_pass: null,
    signing_key_pass: null,
    default_include: 'master.d/*.conf',
    winrepo_dir: join(sys.BASE_FILE_ROOTS_DIR, 'win', 'repo'),
    winrepo_dir_ng: join(sys.BASE_FILE_ROOTS_DIR, 'win', 'repo-ng'),
    winrepo_cachefile: 'winrepo.p',
    winrepo_remotes: ['https://github.com/saltstack/salt-winrepo.git'],
    winrepo_remotes_ng: ['https://github.com/saltstack/salt-winrepo-ng.git'],
    winrepo_branch: 'master',
    winrepo_fallback: '',
    winrepo_ssl_verify: true,
    winrepo_user: '',
    winrepo_password: '',
    winrepo_insecure_auth: false,
    winrepo_privkey: '',
    winrepo_pubkey: '',
    winrepo_passphrase: '',
    winrepo_refspecs: [...DFLT_REFSPECS],
    syndic_wait: 5,
    jinja_env: {},
    jinja_sls_env: {},
    jinja_lstrip_blocks: false,
    jinja_trim_blocks: false,
    tcp_keepalive: true,
    tcp_keepalive_idle: 300,
    tcp_keepalive_cnt: -1,
    tcp_keepalive_intvl: -1,
    sign_pub_messages: true,
    keysize: 2048,
    transport: 'zeromq',
    gather_job_timeout: 10,
    syndic_event_forward_timeout: 0.5,
    syndic_jid_forward_cache_hwm: 100,
    regen_thin: false,
    ssh_passwd: '',
    ssh_priv_passwd: '',
    ssh_port: '22',
    ssh_sudo: false,
    ssh_sudo_user: '',
    ssh_timeout: 60,
    ssh_keepalive: true,
    ssh_keepalive_interval: 60,
    ssh_keepalive_count_max: 3,
    ssh_user: 'root',
    ssh_scan_ports: '22',
    ssh_scan_timeout: 0.01,
    ssh_identities_only: false,
    ssh_log_file: join(sys.LOGS_DIR, 'ssh'),
    ssh_config_file: sys.defaultSshConfigFile(),
    cluster_mode: false,
    sqlite_queue_dir: join(sys.CACHE_DIR, 'master', 'queues'),
    queue_dirs: [],
    cli_summary: false,
    max_minions: 0,
    master_sign_key_name: 'master_sign',
    master_sign_pubkey: false,
    master_pubkey_signature: 'master_pubkey_signature',
    master_use_pubkey_signature: false,
    zmq_filtering: false,
    zmq_monitor: false,
    con_cache: false,
    rotate_aes_key: true,
    cache_sreqs: true,
    dummy_pub: false,
    http_connect_timeout: 20,
    http_request_timeout: 3600,
    http_max_body: 100 * 1024 * 1024 * 1024,
    cache: 'localfs',
    memcache_expire_seconds: 0,
    memcache_max_items: 1024,
    memcache_full_cleanup: false,
    memcache_debug: false,
    thin_extra_mods: '',
    min_extra_mods: '',
    ssl: null,
    extmod_whitelist: {},
    extmod_blacklist: {},
    clean_dynamic_modules: true,
    django_auth_path: '',
    django_auth_settings: '',
    allow_minion_key_revoke: true,
    salt_cp_chunk_size: 98304,
    require_minion_sign_messages: false,
    drop_messages_signature_fail: false,
    discovery: false,
    schedule: {},
    auth_events: true,
    minion_data_cache_events: true,
    enable_ssh_minions: false,
    netapi_allow_raw_shell: false,
    fips_mode: false,
    detect_remote_minions: false,
    remote_minions_port: 22,
    pass_variable_prefix: '',
    pass_strict_fetch: false,
    pass_gnupghome: '',
    pass_dir: '',
    netapi_enable_clients: [],
    maintenance_interval: 3600,
    fileserver_interval: 3600,
    features: {},
    publish_signing_algorithm: 'PKCS1v15-SHA1',
    // Present from 3006.12 (request_server_*) and 3006.17 (minimum_auth_version): the wire
    // protocol version 3 that this project speaks relies on them.
    request_server_aes_session: 0,
    request_server_ttl: 0,
    // 0 accepts protocol 2 too, so 3006.0-3006.11 / 3007.0-3007.3 minions can join (the 3006.10
    // release this project targets has no such check); set 3 to refuse them as 3006.17+ does.
    minimum_auth_version: 0,
    // Set by apply_master_config, listed so the type is complete.
    id: '',
    token_dir: join(sys.CACHE_DIR, 'master', 'tokens'),
    syndic_dir: join(sys.CACHE_DIR, 'master', 'syndics'),
    __role: 'master',
  };
}
