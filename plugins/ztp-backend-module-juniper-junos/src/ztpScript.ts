import type { BootstrapContext } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  pythonDoorReport,
  pythonString,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { junosImageSection } from './ztpScriptImage';

/**
 * The script Junos ZTP downloads (DHCP option 43 sub-option 01): a file
 * that starts with "#!" is run by its interpreter instead of being
 * committed as a configuration. ZTP ends once it exits 0 (no reboot); on
 * any other exit ZTP starts over (DHCP, download).
 *
 * It commits the configuration the way the Junos CLI does from a file
 * (configure private, load override, commit and-quit) through `cli -c`,
 * because only then does the box's own load or commit error come back to
 * the script, which reports it to the door; a plain configuration file
 * refused by ZTP leaves that error on the console alone.
 *
 * With an approved image (ctx.image) it first takes the image, when the
 * box runs another release (see ztpScriptImage): ZTP's own image option
 * (43.00) is not used, because Junos ZTP restarts on any image failure
 * and so never reaches the configuration, nor tells anyone why.
 */
export function junosZtpScript(ctx: BootstrapContext): string {
  const image = ctx.image;
  return `#!/usr/bin/python3
# Junos ZTP script for ${ctx.device.hostname}, rendered by the ZTP portal.
# ZTP runs it; it commits the configuration below and exits 0, or reports
# the box's own error and exits 1 (ZTP then starts over).
import base64
import os
import re
import subprocess
import sys
import tempfile
${image ? 'import time\n' : ''}import urllib.request

# The box's minimal configuration, exactly as the portal rendered it.
CONFIG = ${pythonString(ctx.minimalConfig)}

# What the CLI prints when things go well; everything else is a complaint.
ROUTINE = (
    "warning: uncommitted changes will be discarded on exit",
    "Entering configuration mode",
    "load complete",
    "commit complete",
    "Exiting configuration mode",
    "[edit]",
)
LOAD_FAILED = "error: configuration load failed"


${pythonDoorReport(ctx, 'ZTP script failed')}


def cli(commands):
    """Runs commands in one Junos CLI session; returns what it printed."""
    result = subprocess.run(
        ["cli", "-c", "; ".join(commands)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
    )
    return result.stdout


def without_secrets(text):
    """The CLI's words as reported: password hashes left out."""
    text = re.sub(
        r"\\b(encrypted-password|plain-text-password-value)\\s+(\\"[^\\"]*\\"|[^\\s;']+)",
        r"\\1 <removed>",
        text,
    )
    return re.sub(r"\\$\\d+\\$[^\\s\\"';]+", "<removed>", text)


def complaints(output):
    """The lines of the output that are not the CLI's routine words; after
    a refused load only the load's own (the commit that follows commits
    nothing new)."""
    lines = [line.strip() for line in output.splitlines()]
    if any(line.startswith(LOAD_FAILED) for line in lines):
        end = next(i for i, line in enumerate(lines) if line.startswith(LOAD_FAILED))
        lines = lines[: end + 1]
    return [line for line in lines if line and line not in ROUTINE]


${image ? `${junosImageSection(image)}\n\n\n` : ''}def main():
    report("started")
${
  image ? '    take_image()\n' : ''
}    handle, path = tempfile.mkstemp(prefix="ztp-", suffix=".conf", dir="/var/tmp")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(CONFIG)
        output = cli(["configure private", "load override " + path, "commit and-quit"])
    finally:
        os.unlink(path)
    if LOAD_FAILED in output or "commit complete" not in output:
        refused = "\\n".join(complaints(output)) or "the commit did not complete"
        fail(without_secrets(refused))
    report("applied")
    print("ZTP script: configuration committed")


if __name__ == "__main__":
    main()
`;
}
