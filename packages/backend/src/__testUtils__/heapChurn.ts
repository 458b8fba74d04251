/*
 * A child process for heapGrowth.test.ts: holds about 35 MB of live objects
 * and makes about 800 MB of objects that live long enough to reach the old
 * generation and then die, as a storm's do; prints the highest old-space
 * size seen. With `limit` as its argument it calls limitHeapGrowth first
 * (without, it shows V8's own choice: run it by hand to compare).
 */
import v8 from 'node:v8';
import { limitHeapGrowth } from '../heapGrowth';

if (process.argv[2] === 'limit') limitHeapGrowth({});

const oldSpace = () =>
  v8.getHeapSpaceStatistics().find(s => s.space_name === 'old_space')!
    .space_size;

const live: number[][] = [];
for (let i = 0; i < 64 * 1024; i++) live.push(new Array(125).fill(i));

// A ring of about 4 MB: each object survives a few young collections, then dies.
const ring: number[][] = new Array(8 * 1024);
let peak = 0;
for (let i = 0; i < 1536 * 1024; i++) {
  ring[i % ring.length] = new Array(125).fill(i);
  if (i % 4096 === 0) peak = Math.max(peak, oldSpace());
}
process.stdout.write(
  `${JSON.stringify({
    peakMb: Math.round(peak / 1048576),
    live: live.length,
  })}\n`,
);
