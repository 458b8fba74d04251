/*
 * The ZTP portal's backend: the catalog as the network's source of truth,
 * guest sign-in for local use, a ZTP-aware permission policy, signals for the
 * live dashboard, the scaffolder for declaring devices, and the ZTP plugin.
 */
import { createBackend } from '@backstage/backend-defaults';
import { databaseServiceFactory } from './database/databaseServiceFactory';
import { exitOnStartFailure } from './exitOnStartFailure';
import { limitHeapGrowth } from './heapGrowth';
import { rootLoggerServiceFactory } from './rootLogger';

// Before anything allocates much, and before any worker thread starts.
limitHeapGrowth();

const backend = createBackend();

// Backstage's root logger, its config schema collected outside the backend.
backend.add(rootLoggerServiceFactory);
// Backstage's database service, SQLite connections with 2 MiB page caches.
backend.add(databaseServiceFactory);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// The sign-in of app-config.production.yaml.
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// Validates devices' ZTP annotations and applies operators' serial corrections.
backend.add(import('@ztp-portal/backstage-plugin-catalog-backend-module-ztp'));
// Reads YAML locations without a syntax tree per file (a file of 10,000
// devices: 0.2 s and 15 MB at each processing instead of 1.7 s and 95 MB).
backend.add(
  import('@ztp-portal/backstage-plugin-catalog-backend-module-yaml-parser'),
);
// Reads a catalog file again as soon as it is saved: hand edits show in
// seconds although app-config.yaml sets a long processing interval.
backend.add(
  import('@ztp-portal/backstage-plugin-catalog-backend-module-file-watch'),
);

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// The ztp:device:declare action of the "Declare a network device" template.
backend.add(
  import('@ztp-portal/backstage-plugin-scaffolder-backend-module-ztp'),
);

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
// On PostgreSQL the search index lives in the database; on SQLite, Lunr
// keeps it in memory (the module says so with a warning at start).
backend.add(import('@backstage/plugin-search-backend-module-pg'));
// Network devices stay out of the search index unless ztp.search.indexDevices.
backend.add(import('@ztp-portal/backstage-plugin-search-backend-module-ztp'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
// The event bus lets signals reach browsers connected to any replica.
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@ztp-portal/backstage-plugin-ztp-backend'));
// The device platforms: each package is the whole platform (its ZTP module
// and what the catalog and scaffolder modules need to know of it).
backend.add(
  import('@ztp-portal/backstage-plugin-ztp-backend-module-cisco-iosxe'),
);
backend.add(
  import('@ztp-portal/backstage-plugin-ztp-backend-module-cisco-nxos'),
);
backend.add(
  import('@ztp-portal/backstage-plugin-ztp-backend-module-arista-eos'),
);
backend.add(
  import('@ztp-portal/backstage-plugin-ztp-backend-module-juniper-junos'),
);

// A backend that cannot start (a plugin failed) ends with exit code 1.
void exitOnStartFailure(() => backend.start());
