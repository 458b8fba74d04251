/*
 * The backend as production runs it: `yarn build:backend` makes the bundle
 * Backstage's Dockerfile unpacks (every workspace package compiled to
 * JavaScript, its `main` pointing at dist/), and unpackBackendBundle lays it
 * out in a directory to run `node packages/backend` from. A production
 * image then installs the third-party packages with
 * `yarn workspaces focus --production`; here they are linked from the
 * repository's own node_modules (same versions, no registry needed), and
 * only the workspace packages come from the bundle.
 *
 * Used by the production bundle's test (src/productionBundle.test.ts) and
 * by the fleet benchmark's --built runs.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '../../..');

/** Runs `yarn build:backend`; returns the bundle's path. */
function buildBackendBundle() {
  // NODE_ENV as a production build sees it (a test runner's "test" has no
  // browserslist entry, and the frontend's build refuses it).
  const env = { ...process.env, NODE_ENV: 'production' };
  execFileSync('yarn', ['build:backend'], { cwd: ROOT, env, stdio: 'pipe' });
  return path.join(ROOT, 'packages/backend/dist/bundle.tar.gz');
}

/**
 * Unpacks the bundle into a new temporary directory and links its
 * node_modules; returns the directory (remove it when done).
 */
function unpackBackendBundle(bundle) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-built-backend-'));
  execFileSync('tar', ['xzf', bundle, '-C', dir]);
  const workspace = new Map();
  for (const group of ['packages', 'plugins']) {
    for (const name of fs.readdirSync(path.join(dir, group))) {
      const pkg = path.join(dir, group, name);
      const manifest = JSON.parse(
        fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'),
      );
      workspace.set(manifest.name, pkg);
    }
  }
  const repoModules = path.join(ROOT, 'node_modules');
  const link = (name, at) => {
    const target = workspace.get(name) ?? path.join(repoModules, name);
    // The repository's own packages come from the bundle or not at all.
    if (!workspace.has(name) && isRepoWorkspace(target)) return;
    fs.symlinkSync(target, at);
  };
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(repoModules)) {
    if (!entry.startsWith('@')) {
      link(entry, path.join(modules, entry));
      continue;
    }
    fs.mkdirSync(path.join(modules, entry));
    for (const name of fs.readdirSync(path.join(repoModules, entry))) {
      link(`${entry}/${name}`, path.join(modules, entry, name));
    }
  }
  return dir;
}

/** A link to one of the repository's workspace packages. */
function isRepoWorkspace(target) {
  return (
    fs.lstatSync(target).isSymbolicLink() &&
    !fs.realpathSync(target).includes(`${path.sep}node_modules${path.sep}`)
  );
}

module.exports = { buildBackendBundle, unpackBackendBundle, ROOT };
