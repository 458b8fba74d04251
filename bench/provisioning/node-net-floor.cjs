#!/usr/bin/env node
/*
 * Second reference for the provisioning benchmark: the least a Node server
 * can do per request. A node:net server that takes the path from the first
 * line of the first chunk (no HTTP parser, no headers read, no validation),
 * finds the file in memory and writes a response prepared beforehand, then
 * closes. No real server should be this careless; it shows the floor that
 * Node's connection handling alone sets under the benchmark's load, below
 * which no lookup, parsing or recording can go.
 *
 * usage: node-net-floor.cjs <static-dir> <port>
 */
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const [dir, port] = process.argv.slice(2);
const NOT_FOUND = Buffer.from(
  'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
);
const responses = new Map();
(function load(prefix) {
  for (const entry of fs.readdirSync(path.join(dir, prefix), {
    withFileTypes: true,
  })) {
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      load(rel);
      continue;
    }
    const body = fs.readFileSync(path.join(dir, rel));
    const head =
      'HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n' +
      `content-length: ${body.length}\r\ncache-control: no-store\r\n` +
      'connection: close\r\n\r\n';
    responses.set(rel, Buffer.concat([Buffer.from(head, 'latin1'), body]));
  }
})('');

net
  .createServer({ noDelay: true }, socket => {
    socket.on('error', () => {});
    socket.once('data', chunk => {
      const line = chunk.toString('latin1', 0, chunk.indexOf(13));
      const target = line.slice(line.indexOf(' ') + 1, line.lastIndexOf(' '));
      socket.end(responses.get(decodeURIComponent(target)) ?? NOT_FOUND);
    });
  })
  .listen({ host: '127.0.0.1', port: Number(port), backlog: 4096 }, () =>
    process.stdout.write(`serving ${responses.size} files\n`),
  );
