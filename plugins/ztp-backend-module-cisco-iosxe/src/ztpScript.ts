import type { BootstrapContext } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  pythonDoorReport,
  pythonString,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { iosXeImageStep } from './ztpImageStep';

/**
 * The Guest Shell Python script IOS XE's ZTP agent downloads (DHCP option
 * 67) and runs: it applies the minimal configuration through the `cli`
 * module, saves it, and reports each step to the device door so that the
 * portal shows where a box stopped. The minimal configuration itself
 * carries the domain name and the RSA key generation SSH needs. With an
 * approved image (ctx.image) it first takes the image (see ztpImageStep);
 * without one the script is exactly what it always was.
 */
export function iosXeZtpScript(ctx: BootstrapContext): string {
  const image = ctx.image;
  return `# ZTP script for ${ctx.device.hostname}, rendered by the ZTP portal.
# IOS XE's ZTP agent runs it in Guest Shell (Python 3).
import base64
${image ? 'import re\n' : ''}import sys
${image ? 'import time\n' : ''}import urllib.request

import cli

# The device's minimal configuration, exactly as the portal rendered it.
CONFIG = ${pythonString(ctx.minimalConfig)}


${pythonDoorReport(ctx, 'ZTP failed')}

${image ? `\n${iosXeImageStep(image)}\n\n` : ''}
def config_lines(text):
    """The configuration's commands, without comments and the final end."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("!") or stripped == "end":
            continue
        lines.append(line.rstrip())
    return lines


def rejected(results):
    """Commands the device refused, with what it said."""
    refused = []
    for result in results or []:
        if not getattr(result, "success", True):
            refused.append(
                "%s: %s"
                % (getattr(result, "command", "?"), getattr(result, "output", "").strip())
            )
    return refused


def main():
    report("started")
${image ? '    take_image()\n' : ''}    try:
        results = cli.configure(config_lines(CONFIG))
    except Exception as error:
        # Releases that raise on a refused command list the results in it.
        refused = rejected(getattr(error, "results", None))
        fail("; ".join(refused) if refused else str(error))
    refused = rejected(results)
    if refused:
        fail("; ".join(refused))
    saved = cli.execute("write memory")
    if "[OK]" not in saved:
        fail("write memory: " + saved.strip())
    report("applied")
    print("ZTP: configuration applied and saved")


if __name__ == "__main__":
    main()
`;
}
