import type { BootstrapContext } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  pythonDoorReport,
  pythonString,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { eosZeroTouchImage } from './zeroTouchImage';

/**
 * The script EOS's ZeroTouch agent downloads (DHCP option 67): a file that
 * starts with "#!" runs as a program, and the switch reboots once it exits
 * 0. It reports each step to the device door so that the portal shows
 * where a box stopped, in the switch's own words.
 *
 * It applies the configuration with FastCli rather than writing it to
 * /mnt/flash/startup-config: a startup-config is only parsed at the next
 * boot, when the script is gone, and a refused line ends up in "show
 * startup-config errors" that nobody reads. FastCli answers on the spot
 * with the CLI's own "% ..." error, which the script can report.
 *
 * With an approved image (ctx.image) it first takes the image (see
 * eosZeroTouchImage); without one the script is exactly what it was.
 */
export function eosZeroTouchScript(ctx: BootstrapContext): string {
  const image = ctx.image;
  return `#!/usr/bin/env python3
# ZeroTouch script for ${ctx.device.hostname}, rendered by the ZTP portal.
# EOS runs it, then reboots into the saved configuration if it exits 0.
import base64
import re
import subprocess
import sys
import urllib.request

# The switch's minimal configuration, exactly as the portal rendered it.
CONFIG = ${pythonString(ctx.minimalConfig)}


${pythonDoorReport(ctx, 'ZeroTouch script failed')}


def fastcli(commands):
    """Runs commands in one privileged CLI session; returns what it printed."""
    result = subprocess.run(
        ["FastCli", "-p", "15", "-c", "\\n".join(commands)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
    )
    return result.stdout


def refusals(output):
    """The CLI's error lines ("% Invalid input", "% Incomplete command"...)."""
    return [line.strip() for line in output.splitlines() if line.startswith("%")]


def blocks(text):
    """Top-level commands with their indented sub-commands, without
    comments and the final end: each runs as one unit, so that a refusal
    names the command it belongs to."""
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("!") or stripped == "end":
            continue
        if line[0].isspace() and found:
            found[-1].append(line.rstrip())
        else:
            found.append([line.rstrip()])
    return found


def without_secrets(line):
    """A refused line as reported: its secret or password is left out."""
    return re.sub(
        r"\\b(secret|password)((?:\\s+(?:0|5|7|sha512))?)\\s+\\S+",
        r"\\1\\2 <removed>",
        line,
    )

${image ? `\n${eosZeroTouchImage(image)}\n` : ''}
def main():
    report("started")
${image ? '    take_image()\n' : ''}    refused = []
    for block in blocks(CONFIG):
        errors = refusals(fastcli(["configure"] + block + ["end"]))
        if errors:
            refused.append(
                "%s: %s" % (without_secrets(block[0].strip()), " ".join(errors))
            )
    if refused:
        fail("; ".join(refused))
    saved = fastcli(["copy running-config startup-config"])
    if refusals(saved):
        fail("copy running-config startup-config: " + saved.strip())
    report("applied")
    print("ZeroTouch: configuration applied and saved; the switch reboots")


if __name__ == "__main__":
    main()
`;
}
