/**
 * The execArgv for a worker thread running `workerFile`. In development and
 * tests the sources are TypeScript: a worker does not inherit jest's
 * transform, so it gets Backstage's Node transform. Built JavaScript, or a
 * process that already has the transform, needs nothing extra.
 */
export function workerExecArgv(workerFile: string): string[] | undefined {
  if (!workerFile.endsWith('.ts')) return undefined;
  if (process.execArgv.some(a => a.includes('nodeTransform'))) return undefined;
  for (const id of [
    '@backstage/cli-node/config/nodeTransform.cjs',
    '@backstage/cli/config/nodeTransform.cjs',
  ]) {
    try {
      return [...process.execArgv, '--require', require.resolve(id)];
    } catch {
      // try the next
    }
  }
  return undefined;
}
