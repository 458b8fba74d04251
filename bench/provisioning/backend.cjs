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
const yaml = require('yaml');
const { createBackend } = require('@backstage/backend-defaults');
const { catalogServiceFactory } = require('./benchCatalog.cjs');

const catalogFile = process.env.ZTP_BENCH_CATALOG;
if (!catalogFile) {
  console.error('ZTP_BENCH_CATALOG must name the catalog YAML file');
  process.exit(2);
}
const entities = yaml
  .parseAllDocuments(fs.readFileSync(catalogFile, 'utf8'))
  .map(doc => doc.toJS());

// As the portal's backend (packages/backend/src/index.ts) does at start;
// run.sh --built runs a copy of this file beside the unpacked bundle.
const built = path.join(
  __dirname,
  '../packages/backend/dist/heapGrowth.cjs.js',
);
require(fs.existsSync(built)
  ? built
  : '../../packages/backend/src/heapGrowth').limitHeapGrowth();

const backend = createBackend();
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
