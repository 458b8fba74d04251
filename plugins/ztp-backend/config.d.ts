export interface Config {
  ztp?: {
    secrets: {
      /**
       * Encrypts device local-account passwords at rest (AES-256-GCM).
       * At least 16 characters; e.g. the output of `openssl rand -base64 32`.
       * Checked at startup against the key check value stored with the
       * data; change it with the rotate-secrets-key command (README).
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
      /**
       * The same files over TFTP (POAP, AutoInstall): on by default with the
       * door, on the provisioning host, port 69. When the port cannot be
       * bound the backend logs why and runs on without it.
       */
      tftp?: {
        /** Default: true when the door is enabled. */
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
    /** DHCP from the catalog: the Kea DHCPv4 configuration of the queue. */
    dhcp?: {
      /** The provisioning networks Kea serves. */
      subnets?: Array<{
        /** Kea's subnet id (default: position in the list, from 1); keep it stable. */
        id?: number;
        /** e.g. 198.18.0.0/24 */
        subnet: string;
        /** Dynamic pools, e.g. "198.18.0.100 - 198.18.0.199" (default none: reservations only). */
        pools?: string[];
        /** Routers option of the subnet (a device's declared gateway wins). */
        gateway?: string;
        /** Addresses of the DHCP relays that forward this network (giaddr). */
        relayAddresses?: string[];
        /** The Kea server interface the network is directly on. */
        interface?: string;
      }>;
      /** Interfaces Kea listens on (default ["*"]). */
      interfaces?: string[];
      /** Lease time (default 3600; raised per subnet to what a platform needs, e.g. NX-OS POAP's hour). */
      validLifetimeSeconds?: number;
      leases?: {
        /** Kea's memfile lease file: written into the configuration, read for the dashboard. */
        memfile?: string;
        /** Path of libdhcp_lease_cmds.so: loaded by the configuration; leases then read with lease4-get-all. */
        commandsLibrary?: string;
      };
      /** A running Kea to apply the configuration to (download only without it). */
      control?: {
        /** kea-dhcp4's unix control socket (also written into the configuration). */
        socket?: string;
        /** The Kea control agent's URL, e.g. http://127.0.0.1:8000/ (commands go there instead). */
        agentUrl?: string;
      };
      apply?: {
        /** Changes are applied at most this often (default 5). */
        debounceSeconds?: number;
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
      /** First wait after a failed check; it doubles up to retryMaxDelayMs (default 5000, 300000). */
      retryInitialDelayMs?: number;
      retryMaxDelayMs?: number;
      /**
       * For this long after its Conf Min Loaded, a device whose SSH does not
       * answer at all (refused, no route: it is still applying its
       * configuration or rebooting) is tried again every
       * bootRetryMaxDelayMs at the most, rather than after the doubling
       * backoff (default 1200 s, 5000 ms).
       */
      bootWindowSeconds?: number;
      bootRetryMaxDelayMs?: number;
      /** How often due checks are swept (default 5 s). */
      sweepSeconds?: number;
      /** Wait after a Conf Min fetch before the first check, while the device applies it (default 3000). */
      firstCheckDelayMs?: number;
    };
    catalogSync?: {
      /** How often the queue follows catalog changes (default 10 s). */
      frequencySeconds?: number;
      /**
       * After a pass over the catalog that found no change, the wait before
       * the next one at 10,000 devices (default 60 s; smaller fleets wait
       * in proportion): a pass reads every device entity.
       */
      quietPassSeconds?: number;
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
    /** Replace device (RMA) and Re-provision. */
    replacement?: {
      /**
       * Push the same final configuration by itself once the new box (or the
       * re-provisioned device) is Checked; false waits for an operator's
       * Conf Final (Push). Default true.
       */
      autoPush?: boolean;
    };
    /** Devices that stopped moving. */
    stuck?: {
      /**
       * Minutes without a timeline event after which a device that should
       * move on by itself (Conf Min Loaded but never Checked, Conf Final
       * Pushing) is flagged as stuck on the dashboard. Default 30.
       */
      afterMinutes?: number;
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
      /**
       * How often a replica running bulk pushes says it is alive (default 15).
       * After four missed heartbeats another replica takes its jobs over and
       * pushes the devices they had not reached.
       */
      jobHeartbeatSeconds?: number;
    };
    /**
     * Approved software images: per platform and model family, the version
     * devices must run before Conf Final, and its file. Each file is
     * verified (size, SHA-256, MD5 when given) when it appears or changes;
     * one that does not match is refused and never served.
     */
    images?: {
      /** Directory holding the image files (required when images are approved). */
      directory?: string;
      /** How often the directory is looked at again for new or changed files (default 60). */
      rescanSeconds?: number;
      /** Bounds of downloads from the device door at once; excess gets 503 with Retry-After. */
      downloads?: {
        /** All images together (default 256). */
        maxConcurrent?: number;
        /** One image (default 256). */
        maxPerImage?: number;
        /** Retry-After of a refused download, seconds (default 10). */
        retryAfterSeconds?: number;
      };
      approved?: Array<{
        /** Platform id, e.g. cisco-iosxe. */
        platform: string;
        /** Model prefix, e.g. C9300 (covers C9300-48P); omitted: every model of the platform. */
        modelFamily?: string;
        /** The approved version as the device's show version reports it, e.g. 17.9.4a. */
        version: string;
        /** File name in the directory. */
        file: string;
        /** Size in bytes. */
        size: number;
        /** SHA-256, hexadecimal. */
        sha256: string;
        /** MD5, hexadecimal, for platforms whose tools check it (optional). */
        md5?: string;
        /**
         * Where devices download it instead of the door: an http(s) URL they
         * can reach (a server near them). The backend downloads it to verify
         * it, again only when the server's length, ETag or Last-Modified
         * changes; the directory is then not needed for it.
         */
        url?: string;
      }>;
      /**
       * Upgrade a device to its approved image as soon as it is Checked and
       * runs another version (default false).
       */
      autoUpgrade?: boolean;
      /** Sites where devices are upgraded automatically even with autoUpgrade off. */
      autoUpgradeSites?: string[];
      upgrade?: {
        /** Timeout of a long command (download, checksum, install), seconds (default 1800). */
        commandTimeoutSeconds?: number;
        /** Bound on the reboot, seconds; default: the platform's (20 to 30 minutes). */
        rebootTimeoutSeconds?: number;
        /** First wait before logging in again after the reload, ms (default 5000); it grows to pollMaxMs. */
        pollInitialMs?: number;
        /** Longest wait between logins after the reload, ms (default 30000). */
        pollMaxMs?: number;
        /** Upgrades run at once by one replica (default 8). */
        concurrency?: number;
        /** How often devices are looked at for an automatic upgrade, seconds (default 15). */
        sweepSeconds?: number;
      };
    };
    catalog?: {
      /** Platform ids accepted in the catalog and the template besides the installed platform packages' (ztpPlatformServiceRef). */
      additionalPlatforms?: string[];
      serialCorrections?: {
        /** How long the list from /api/ztp/serial-corrections is reused (default 5). */
        cacheSeconds?: number;
      };
    };
    scaffolder?: {
      /** File the ztp:device:declare action appends to; relative paths are taken from the repo root (default .data/declared-devices.yaml, outside the tracked source). */
      localCatalogFile?: string;
    };
    permissions?: {
      /** Users and groups allowed to reveal accounts, fix serials and push (default group:default/network-operators). */
      operators?: string[];
    };
  };
}
