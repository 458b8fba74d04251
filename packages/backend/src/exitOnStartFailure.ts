/**
 * Starts the backend, and ends the process with exit code 1 if it cannot
 * start (a plugin failed: e.g. ZTP without a valid ztp.secrets.key). The
 * framework only logs a failed start and keeps the process alive, which an
 * orchestrator would take for a healthy backend.
 */
export async function exitOnStartFailure(
  start: () => Promise<unknown>,
  exit: (code: number) => void = code => process.exit(code),
): Promise<void> {
  try {
    await start();
  } catch (error) {
    process.stderr.write(
      `The backend could not start and exits: ${
        (error as Error)?.stack ?? error
      }\n`,
    );
    exit(1);
  }
}
