export interface Config {
  ztp?: {
    secrets: {
      /**
       * Encrypts device local-account passwords at rest (AES-256-GCM).
       * At least 16 characters; e.g. the output of `openssl rand -base64 32`.
       * @visibility secret
       */
      key: string;
    };
    /** The device door: the HTTP listener booting devices fetch from. */
    provisioning?: {
      /** Start the dedicated listener (default true). */
      enabled?: boolean;
      /** Address to bind (default 127.0.0.1; the provisioning network's address in production). */
      host?: string;
      /** Port (default 7080). */
      port?: number;
      /** CIDRs allowed to fetch configurations; others get 403 (default: all). */
      allowedNetworks?: string[];
      /** Also serve the device route on the plugin router under /api/ztp/provision (default false). */
      exposeOnPluginRouter?: boolean;
      /**
       * Run the dedicated listener on a worker thread with its own database
       * connection (default true; used with a SQLite file or PostgreSQL,
       * not with an in-memory database).
       */
      worker?: boolean;
      /**
       * The door as booting devices reach it, written into their bootstrap
       * scripts and DHCP options (default http://<host>:<port>).
       */
      deviceUrl?: string;
      /** The same files over TFTP (POAP, AutoInstall; default off). */
      tftp?: {
        enabled?: boolean;
        /** Default: the provisioning host. */
        host?: string;
        /**
         * Default 69, the port devices ask on (DHCP cannot carry another):
         * binding it needs CAP_NET_BIND_SERVICE or a port redirect.
         */
        port?: number;
      };
    };
    serialCheck?: {
      /** Checks at once (default 50). */
      concurrency?: number;
      connectTimeoutMs?: number;
      /** Overall deadline of one check (default 30000). */
      deadlineMs?: number;
      /** Networks the backend may SSH into (default ['127.0.0.0/8']). */
      managementNetworks?: string[];
      retryInitialDelayMs?: number;
      retryMaxDelayMs?: number;
      /** How often due checks are swept (default 5 s). */
      sweepSeconds?: number;
      /** Wait after a Conf Min fetch before the first check, while the device applies it (default 3000). */
      firstCheckDelayMs?: number;
    };
    catalogSync?: {
      /** How often the queue follows catalog changes (default 10 s). */
      frequencySeconds?: number;
      indexRefreshSeconds?: number;
    };
    signals?: {
      /** Coalescing window of live updates (default 100 ms). */
      windowMs?: number;
    };
    events?: {
      /** Days of timeline kept (default 180). */
      retentionDays?: number;
    };
    /** Template overrides per platform: files that replace the built-in ones. */
    templates?: {
      [platform: string]: {
        /** Path of a Nunjucks file for the minimal configuration. */
        minimal?: string;
        /** Directory of final-configuration templates (one per role). */
        final?: string;
      };
    };
    /** Conf Final: pushes of the production configuration. */
    finalConfig?: {
      /** Pushes at once in a bulk push (default 5). */
      concurrency?: number;
      /** TCP connect and SSH login limit (default serialCheck.connectTimeoutMs, else 5000). */
      connectTimeoutMs?: number;
      /** Limit of one push session, login to last command (default 600000). */
      deadlineMs?: number;
      /** Limit of one command's answer (default 60000). */
      commandTimeoutMs?: number;
      /** Minutes before an unconfirmed EOS commit timer / Junos commit confirmed reverts (default 5). */
      confirmMinutes?: number;
    };
    catalog?: {
      /** Platform ids accepted in the catalog and the template besides the built-in ones. */
      additionalPlatforms?: string[];
      serialCorrections?: {
        /** How long the list from /api/ztp/serial-corrections is reused (default 5). */
        cacheSeconds?: number;
      };
    };
    scaffolder?: {
      /** File the ztp:device:declare action appends to; relative paths are taken from the repo root (default examples/fleet/declared-devices.yaml). */
      localCatalogFile?: string;
    };
    permissions?: {
      /** Users and groups allowed to reveal accounts, fix serials and push (default group:default/network-operators). */
      operators?: string[];
    };
  };
}
