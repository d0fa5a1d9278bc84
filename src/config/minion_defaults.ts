/**
 * Salt's `DEFAULT_MINION_OPTS` (3006.x, Linux), with the option names and values Salt uses.
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
import type { CommonOpts } from './master_defaults.js';

/** Minion options: every key Salt defines, typed where the daemon uses them. */
export interface MinionOpts extends CommonOpts {
  __role: 'minion';
  master: string | string[];
  master_port: number;
  master_type: string;
  master_uri_format: string;
  master_finger: string;
  master_tries: number;
  master_alive_interval: number;
  random_master: boolean;
  retry_dns: number;
  retry_dns_count: number | null;
  source_interface_name: string;
  source_address: string;
  source_ret_port: number;
  source_publish_port: number;
  acceptance_wait_time: number;
  acceptance_wait_time_max: number;
  rejected_retry: boolean;
  auth_timeout: number;
  auth_tries: number;
  auth_safemode: boolean;
  random_reauth_delay: number;
  recon_default: number;
  recon_max: number;
  recon_randomize: boolean;
  return_retry_timer: number;
  return_retry_timer_max: number;
  return_retry_tries: number;
  request_channel_timeout: number;
  request_channel_tries: number;
  ping_interval: number;
  verify_master_pubkey_sign: boolean;
  always_verify_signature: boolean;
  master_sign_key_name: string;
  minion_sign_messages: boolean;
  encryption_algorithm: string;
  signing_algorithm: string;
  enable_legacy_startup_events: boolean;
  minion_jid_queue_hwm: number;
  minion_id_caching: boolean;
  minion_id_lowercase: boolean;
  minion_id_remove_domain: string | boolean;
  file_client: string;
  grains: Record<string, unknown>;
  schedule: Record<string, unknown>;
  beacons: Record<string, unknown>;
  multiprocessing: boolean;
  pub_ret: boolean;
  tcp_pub_port: number;
  tcp_pull_port: number;
}

/**
 * A fresh copy of Salt's minion defaults (before the config file, includes, `id` and `root_dir`).
 * `user` is the user running this process, as in Salt.
 */
export function minionDefaults(): MinionOpts {
  return {
    interface: '0.0.0.0',
    master: 'salt',
    master_type: 'str',
    master_uri_format: 'default',
    source_interface_name: '',
    source_address: '',
    source_ret_port: 0,
    source_publish_port: 0,
    master_port: 4506,
    master_finger: '',
    master_shuffle: false,
    master_alive_interval: 0,
    master_failback: false,
    master_failback_interval: 0,
    verify_master_pubkey_sign: false,
    sign_pub_messages: false,
    always_verify_signature: false,
    master_sign_key_name: 'master_sign',
    syndic_finger: '',
    user: currentUser(),
    root_dir: sys.ROOT_DIR,
    pki_dir: join(sys.LIB_STATE_DIR, 'pki', 'minion'),
    id: '',
    id_function: {},
    cachedir: join(sys.CACHE_DIR, 'minion'),
    append_minionid_config_dirs: [],
    cache_jobs: false,
    grains_blacklist: [],
    grains_cache: false,
    grains_cache_expiration: 300,
    grains_deep_merge: false,
    conf_file: join(sys.CONFIG_DIR, 'minion'),
    config_dir: sys.CONFIG_DIR,
    sock_dir: join(sys.SOCK_DIR, 'minion'),
    sock_pool_size: 1,
    backup_mode: '',
    renderer: 'jinja|yaml',
    renderer_whitelist: [],
    renderer_blacklist: [],
    random_startup_delay: 0,
    failhard: false,
    autoload_dynamic_modules: true,
    saltenv: null,
    lock_saltenv: false,
    pillarenv: null,
    pillarenv_from_saltenv: false,
    pillar_opts: false,
    pillar_source_merging_strategy: 'smart',
    pillar_merge_lists: false,
    pillar_includes_override_sls: false,
    pillar_cache: false,
    pillar_cache_ttl: 3600,
    pillar_cache_backend: 'disk',
    request_channel_timeout: 60,
    request_channel_tries: 3,
    gpg_cache: false,
    gpg_cache_ttl: 86400,
    gpg_cache_backend: 'disk',
    extension_modules: join(sys.CACHE_DIR, 'minion', 'extmods'),
    state_top: 'top.sls',
    state_top_saltenv: null,
    startup_states: '',
    sls_list: [],
    start_event_grains: [],
    top_file: '',
    thoriumenv: null,
    thorium_top: 'top.sls',
    thorium_interval: 0.5,
    thorium_roots: { base: [sys.BASE_THORIUM_ROOTS_DIR] },
    file_client: 'remote',
    local: false,
    use_master_when_local: false,
    file_roots: { base: [sys.BASE_FILE_ROOTS_DIR, sys.SPM_FORMULA_PATH] },
    top_file_merging_strategy: 'merge',
    env_order: [],
    default_top: 'base',
    file_recv: false,
    file_recv_max_size: 100,
    file_ignore_regex: [],
    file_ignore_glob: [],
    fileserver_backend: ['roots'],
    fileserver_followsymlinks: true,
    fileserver_ignoresymlinks: false,
    pillar_roots: { base: [sys.BASE_PILLAR_ROOTS_DIR, sys.SPM_PILLAR_PATH] },
    on_demand_ext_pillar: ['libvirt', 'virtkey'],
    decrypt_pillar: [],
    decrypt_pillar_delimiter: ':',
    decrypt_pillar_default: 'gpg',
    decrypt_pillar_renderers: ['gpg'],
    gpg_decrypt_must_succeed: true,
    ...sharedFileserverDefaults(),
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
    unique_jid: false,
    hash_type: DEFAULT_HASH_TYPE,
    optimization_order: [0, 1, 2],
    disable_modules: [],
    disable_returners: [],
    whitelist_modules: [],
    module_dirs: [],
    returner_dirs: [],
    grains_dirs: [],
    states_dirs: [],
    render_dirs: [],
    outputter_dirs: [],
    utils_dirs: [],
    publisher_acl: {},
    publisher_acl_blacklist: {},
    providers: {},
    clean_dynamic_modules: true,
    open_mode: false,
    auto_accept: true,
    autosign_timeout: 120,
    multiprocessing: true,
    process_count_max: -1,
    mine_enabled: true,
    mine_return_job: false,
    mine_interval: 60,
    ipc_mode: 'ipc',
    ipc_write_buffer: 0,
    ipv6: null,
    file_buffer_size: 262144,
    tcp_pub_port: 4510,
    tcp_pull_port: 4511,
    tcp_authentication_retries: 5,
    tcp_reconnect_backoff: 1,
    log_file: join(sys.LOGS_DIR, 'minion'),
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
    max_event_size: 1048576,
    enable_legacy_startup_events: true,
    test: false,
    ext_job_cache: '',
    cython_enable: false,
    enable_fqdns_grains: true,
    enable_gpu_grains: true,
    enable_zip_modules: false,
    state_verbose: true,
    state_output: 'full',
    state_output_diff: false,
    state_output_profile: true,
    state_auto_order: true,
    state_events: false,
    state_aggregate: false,
    state_queue: false,
    snapper_states: false,
    snapper_states_config: 'root',
    acceptance_wait_time: 10,
    acceptance_wait_time_max: 0,
    rejected_retry: false,
    loop_interval: 1,
    verify_env: true,
    grains: {},
    permissive_pki_access: false,
    default_include: 'minion.d/*.conf',
    update_url: false,
    update_restart_services: [],
    retry_dns: 30,
    retry_dns_count: null,
    resolve_dns_fallback: true,
    recon_max: 10000,
    recon_default: 1000,
    recon_randomize: true,
    return_retry_timer: 5,
    return_retry_timer_max: 10,
    return_retry_tries: 3,
    syndic_retries: 3,
    random_reauth_delay: 10,
    winrepo_source_dir: 'salt://win/repo-ng/',
    winrepo_dir: join(sys.BASE_FILE_ROOTS_DIR, 'win', 'repo'),
    winrepo_dir_ng: join(sys.BASE_FILE_ROOTS_DIR, 'win', 'repo-ng'),
    winrepo_cachefile: 'winrepo.p',
    winrepo_cache_expire_max: 604800,
    winrepo_cache_expire_min: 1800,
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
    pidfile: join(sys.PIDFILE_DIR, 'salt-minion.pid'),
    range_server: 'range:80',
    reactor_refresh_interval: 60,
    reactor_worker_threads: 10,
    reactor_worker_hwm: 10000,
    engines: [],
    tcp_keepalive: true,
    tcp_keepalive_idle: 300,
    tcp_keepalive_cnt: -1,
    tcp_keepalive_intvl: -1,
    modules_max_memory: -1,
    grains_refresh_every: 0,
    minion_id_caching: true,
    minion_id_lowercase: false,
    minion_id_remove_domain: false,
    keysize: 2048,
    transport: 'zeromq',
    auth_timeout: 5,
    auth_tries: 7,
    master_tries: 1,
    master_tops_first: false,
    auth_safemode: false,
    random_master: false,
    cluster_mode: false,
    restart_on_error: false,
    ping_interval: 0,
    username: null,
    password: null,
    zmq_filtering: false,
    zmq_monitor: false,
    cache_sreqs: true,
    cmd_safe: true,
    sudo_user: '',
    http_connect_timeout: 20,
    http_request_timeout: 3600,
    http_max_body: 100 * 1024 * 1024 * 1024,
    event_match_type: 'startswith',
    minion_restart_command: [],
    pub_ret: true,
    proxy_host: '',
    proxy_username: '',
    proxy_password: '',
    proxy_port: 0,
    minion_jid_queue_hwm: 100,
    ssl: null,
    multifunc_ordered: false,
    beacons_before_connect: false,
    scheduler_before_connect: false,
    cache: 'localfs',
    salt_cp_chunk_size: 65536,
    extmod_whitelist: {},
    extmod_blacklist: {},
    minion_sign_messages: false,
    discovery: false,
    schedule: {},
    ssh_merge_pillar: true,
    disabled_requisites: [],
    global_state_conditions: null,
    reactor_niceness: null,
    fips_mode: false,
    features: {},
    encryption_algorithm: 'OAEP-SHA1',
    signing_algorithm: 'PKCS1v15-SHA1',
    // Added by apply_minion_config, listed so the type is complete.
    beacons: {},
    __role: 'minion',
  };
}
