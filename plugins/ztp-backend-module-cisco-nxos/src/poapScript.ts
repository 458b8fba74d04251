import type { BootstrapContext } from '@ztp-portal/backstage-plugin-ztp-node';
import { md5Hex, pythonString } from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The body of the POAP script (without its md5sum line). POAP downloads it
 * (DHCP option 67) and runs it with NX-OS's `cli` module. It finds its
 * configuration on the door by serial number, then by the mgmt0 MAC
 * (conf.<serial>, conf_<MAC>.cfg), checks it against the .md5 file beside
 * it, stages it as the scheduled configuration that NX-OS replays after the
 * reboot POAP does when the script ends well, and reports each step.
 */
function poapBody(doorUrl: string): string {
  return `# POAP script rendered by the ZTP portal: NX-OS runs it with its cli module.
import base64
import re
import sys

from cli import cli

BOOT_URL = ${pythonString(`${doorUrl}/ztp/boot`)}
REPORT_URL = ${pythonString(`${doorUrl}/ztp/report`)}
VRF = "management"


def run(command):
    """Output of a command, or None when NX-OS refused it."""
    try:
        return cli(command)
    except Exception as error:
        print("%s: %s" % (command, error))
        return None


def report(token, stage, detail=""):
    """Tells the door how far POAP got, with the switch's own transfer."""
    path = "%s/%s/%s" % (REPORT_URL, token, stage)
    if detail:
        encoded = base64.urlsafe_b64encode(detail[-1000:].encode("utf-8"))
        path += "/" + encoded.decode("ascii").rstrip("=")
    run("copy %s bootflash:poap_report.txt vrf %s" % (path, VRF))


def serial_number():
    inventory = run("show inventory") or ""
    match = re.search(r'NAME: "Chassis".*?SN: *(\\S+)', inventory, re.S)
    return match.group(1) if match else None


def mgmt_mac():
    output = run("show interface mgmt0") or ""
    match = re.search(r"address(?: is|:) *([0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4})", output)
    return match.group(1).replace(".", "").upper() if match else None


def download(name):
    """Copies a file of the door to bootflash; True when it arrived."""
    output = run("copy %s/%s bootflash:%s vrf %s" % (BOOT_URL, name, name, VRF))
    return output is not None and "Copy complete" in output


def main():
    serial = serial_number()
    mac = mgmt_mac()
    names = []
    if serial:
        names.append("conf.%s" % serial)
    if mac:
        names.append("conf_%s.cfg" % mac)
    for name in names:
        if download(name + ".md5"):
            break
    else:
        print("POAP: no configuration on the door for %s" % ", ".join(names))
        sys.exit(1)
    expected = (run("show file bootflash:%s.md5" % name) or "").split()
    token = expected[0] if expected else ""
    report(token, "started")
    if not download(name):
        report(token, "failed", "could not copy %s/%s" % (BOOT_URL, name))
        sys.exit(1)
    actual = (run("show file bootflash:%s md5sum" % name) or "").strip()
    if actual != token:
        report(token, "failed", "md5 of %s is %s, expected %s" % (name, actual, token))
        sys.exit(1)
    staged = run("copy bootflash:%s scheduled-config" % name)
    if staged is None or "Copy complete" not in staged:
        report(token, "failed", "copy bootflash:%s scheduled-config: %s" % (name, staged))
        sys.exit(1)
    report(token, "staged")
    print("POAP: %s staged; NX-OS applies it after the reboot" % name)


if __name__ == "__main__":
    main()
`;
}

/**
 * The POAP script with the line POAP checks before running it: the MD5 of
 * the script without that line.
 */
export function nxosPoapScript(ctx: Pick<BootstrapContext, 'doorUrl'>): string {
  const body = poapBody(ctx.doorUrl);
  const shebang = '#!/bin/env python3\n';
  const rest = body;
  const withoutLine = shebang + rest;
  return `${shebang}#md5sum="${md5Hex(withoutLine)}"\n${rest}`;
}
