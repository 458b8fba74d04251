/*
 * The ZTP backend for the provisioning benchmark: Backstage's production
 * backend wiring (createBackend, so the plugin router sits behind the real
 * root HTTP router and its middleware) with the ZTP plugin and an in-memory
 * catalog holding the generated fleet. The real catalog backend would spend
 * minutes ingesting 10,000 entities before the ZTP queue could even start.
 *
 * Run with Backstage's TypeScript loader (the ZTP plugin is TypeScript):
 *   ZTP_BENCH_CATALOG=<catalog.yaml> \
 *     node -r @backstage/cli/config/nodeTransform.cjs backend.cjs --config <file>
 * or, copied beside an unpacked production bundle (run.sh --built), with
 * plain node.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { createBackend } = require('@backstage/backend-defaults');
const { catalogServiceFactory } = require('./benchCatalog.cjs');

const catalogFile = process.env.ZTP_BENCH_CATALOG;
if (!catalogFile) {
  console.error('ZTP_BENCH_CATALOG must name the catalog YAML file');
  process.exit(2);
}
/*
 * The YAML is parsed in a child process that hands back JSON: parsing 5 MB
 * of YAML here left about 100 MiB of RSS in this process after its garbage
 * was collected (measured: +136 MiB after a full collection, against +7 MiB
 * for the same entities from JSON), which the benchmark would then count as
 * the backend's. The catalog backend a user runs keeps its entities in its
 * database, not in a parse of the file on the backend's heap.
 */
function readCatalog(file) {
  const json = execFileSync(
    process.execPath,
    [
      '-e',
      `const yaml = require(${JSON.stringify(require.resolve('yaml'))});
       const docs = yaml.parseAllDocuments(require('fs').readFileSync(process.argv[1], 'utf8'));
       process.stdout.write(JSON.stringify(docs.map(d => d.toJS())));`,
      file,
    ],
    { maxBuffer: 1 << 30, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  return JSON.parse(json.toString('utf8'));
}
const entities = readCatalog(catalogFile);

// As the portal's backend (packages/backend/src/index.ts) does at start;
// run.sh --built runs a copy of this file beside the unpacked bundle.
const builtBackend = path.join(__dirname, '../packages/backend/dist');
/** A module of the portal's backend: built beside the bundle, else its source. */
function portalBackend(module) {
  const built = path.join(builtBackend, `${module}.cjs.js`);
  return require(fs.existsSync(built)
    ? built
    : `../../packages/backend/src/${module}`);
}
portalBackend('heapGrowth').limitHeapGrowth();

const backend = createBackend();
// The portal's root logger: the config schema collected outside the backend.
backend.add(
  portalBackend('rootLogger/rootLoggerServiceFactory').rootLoggerServiceFactory,
);
backend.add(catalogServiceFactory(entities));
backend.add(require('@ztp-portal/backstage-plugin-ztp-backend').default);
// The platforms are modules of their own: without them no declaration is valid.
for (const platform of [
  'cisco-iosxe',
  'cisco-nxos',
  'arista-eos',
  'juniper-junos',
]) {
  backend.add(
    require(`@ztp-portal/backstage-plugin-ztp-backend-module-${platform}`)
      .default,
  );
}
backend.start();
