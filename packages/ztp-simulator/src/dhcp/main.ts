import { runDhcpDevice } from './runDhcpDevice';

// Entry of bin/ztp-simulator-dhcp (and of tests, through the TypeScript loader).
runDhcpDevice(process.argv.slice(2)).then(
  code => process.exit(code),
  error => {
    process.stdout.write(
      `${JSON.stringify({
        event: 'error',
        message: String(error?.message ?? error),
      })}\n`,
    );
    process.exit(1);
  },
);
