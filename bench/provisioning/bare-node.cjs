#!/usr/bin/env node
/*
 * Reference for the provisioning benchmark: a bare node:http server that
 * answers each request with a static file read into memory beforehand, with
 * no lookup, no recording and no framework. It shows how far any Node
 * implementation of the device door could go under the same load.
 *
 * usage: bare-node.cjs <static-dir> <port>
 */
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const [dir, port] = process.argv.slice(2);
const files = new Map();
(function load(prefix) {
  for (const entry of fs.readdirSync(path.join(dir, prefix), {
    withFileTypes: true,
  })) {
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) load(rel);
    else files.set(rel, fs.readFileSync(path.join(dir, rel)));
  }
})('');

http
  .createServer((req, res) => {
    const body = files.get(decodeURIComponent(req.url.split('?')[0]));
    if (!body) {
      res.writeHead(404, { 'content-length': 0 });
      res.end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'no-store',
    });
    res.end(body);
  })
  .listen({ host: '127.0.0.1', port: Number(port), backlog: 4096 }, () =>
    process.stdout.write(`serving ${files.size} files\n`),
  );
