import type {
  BootstrapContext,
  UpgradeImage,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { md5Hex, pythonString } from '@ztp-portal/backstage-plugin-ztp-node';
import { poapImageStep } from './poapImage';

/**
 * The body of the POAP script (without its md5sum line). POAP downloads it
 * (DHCP option 67) and runs it with NX-OS's `cli` module. It finds its
 * configuration on the door by serial number, then by the mgmt0 MAC
 * (conf.<serial>, conf_<MAC>.cfg), checks it against the .md5 file beside
 * it, tries it on the switch and stages it as the scheduled configuration
 * that NX-OS replays after the reboot POAP does when the script ends well.
 * It reports each step, and any refusal in the switch's own words.
 *
 * Why a trial between a checkpoint and its rollback: POAP applies the file
 * only after the reboot, when the script is gone and a refused line is
 * skipped silently (the login is then refused and nobody knows why).
 * Configuration sessions cannot check it (Session Manager takes only ACL
 * commands), so each command goes through `configure terminal` on the
 * running image, which refuses it in its own words, and the rollback
 * leaves the switch as POAP expects it: unconfigured until the replay.
 *
 * With an image, the script first makes it the next boot (poapImage.ts):
 * the switch reboots into it when POAP ends and replays the configuration
 * there, though the trial ran on the old image.
 */
function poapBody(doorUrl: string, image?: UpgradeImage): string {
  return `# POAP script rendered by the ZTP portal: NX-OS runs it with its cli module.
import base64
import re
import sys

from cli import cli

BOOT_URL = ${pythonString(`${doorUrl}/ztp/boot`)}
REPORT_URL = ${pythonString(`${doorUrl}/ztp/report`)}
VRF = "management"
CHECKPOINT = "ztp_poap_trial"


class Refused(Exception):
    """A command the switch refused; the message is what it said."""


def without_secrets(text):
    """Text as reported: passwords and secrets are left out."""
    return re.sub(
        r"\\b(secret|password)((?:\\s+(?:0|5|7|8|9))?)\\s+\\S+",
        r"\\1\\2 <removed>",
        text,
    )


def switch_words(error):
    """What NX-OS said when cli() raised: its "%" lines, else all of it."""
    text = "\\n".join(str(arg) for arg in error.args if arg is not None).strip()
    errors = [line.strip() for line in text.splitlines() if line.strip().startswith("%")]
    return " ".join(errors) or " ".join(text.split()) or type(error).__name__


def run(command):
    """Output of a command; Refused, with the switch's words, if it failed."""
    try:
        return cli(command)
    except Exception as error:
        raise Refused("%s: %s" % (command, switch_words(error)))


def quietly(command):
    """A command whose failure the script lives with: its output or ''."""
    try:
        return cli(command)
    except Exception as error:
        print("POAP: %s: %s" % (without_secrets(command), switch_words(error)))
        return ""


def report(token, stage, detail=""):
    """Tells the door how far POAP got; never stops the script."""
    path = "%s/%s/%s" % (REPORT_URL, token, stage)
    if detail:
        text = without_secrets(detail)[-1000:]
        encoded = base64.urlsafe_b64encode(text.encode("utf-8"))
        path += "/" + encoded.decode("ascii").rstrip("=")
    quietly("copy %s bootflash:poap_report.txt vrf %s" % (path, VRF))


def fail(token, detail):
    print("POAP failed: " + without_secrets(detail))
    report(token, "failed", detail)
    sys.exit(1)


def serial_number():
    inventory = quietly("show inventory")
    match = re.search(r'NAME: "Chassis".*?SN: *(\\S+)', inventory, re.S)
    return match.group(1) if match else None


def mgmt_mac():
    output = quietly("show interface mgmt0")
    match = re.search(r"address(?: is|:) *([0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4})", output)
    return match.group(1).replace(".", "").upper() if match else None


def download(name):
    """Copies a file of the door to bootflash (Refused if it did not come)."""
    output = run("copy %s/%s bootflash:%s vrf %s" % (BOOT_URL, name, name, VRF))
    if "Copy complete" not in output:
        raise Refused("copy %s/%s: %s" % (BOOT_URL, name, " ".join(output.split())))


def blocks(text):
    """Top-level commands with their indented sub-commands: each is tried
    in one cli() call, since a mode lasts only as long as the call."""
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("!") or stripped == "end":
            continue
        if line[0].isspace() and found:
            found[-1].append(stripped)
        else:
            found.append([stripped])
    return found


def refusal(block):
    """None when the switch takes the block, else the command it refused
    (the block's first, or "first > sub-command") and what it said."""
    try:
        cli("configure terminal ; " + " ; ".join(block))
        return None
    except Exception as error:
        words = switch_words(error)
    # The refused command: the shortest part of the block the switch refuses.
    for end in range(1, len(block)):
        try:
            cli("configure terminal ; " + " ; ".join(block[:end]))
        except Exception as error:
            words = switch_words(error)
            end -= 1
            break
    else:
        end = len(block) - 1
    command = block[0] if end == 0 else "%s > %s" % (block[0], block[end])
    return "%s: %s" % (command, words)


def try_on_switch(name):
    """Applies the configuration between a checkpoint and its rollback, so
    that the running image refuses what it would refuse at the replay."""
    text = run("show file bootflash:%s" % name)
    quietly("no checkpoint %s" % CHECKPOINT)
    run("checkpoint %s" % CHECKPOINT)
    refused = []
    count = 0
    try:
        for block in blocks(text):
            count += 1
            problem = refusal(block)
            if problem:
                refused.append(problem)
    finally:
        run("rollback running-config checkpoint %s" % CHECKPOINT)
        quietly("no checkpoint %s" % CHECKPOINT)
    if refused:
        raise Refused("; ".join(refused))
    return count


${image ? poapImageStep(image) : ''}def main():
    serial = serial_number()
    mac = mgmt_mac()
    names = []
    if serial:
        names.append("conf.%s" % serial)
    if mac:
        names.append("conf_%s.cfg" % mac)
    tried = []
    for name in names:
        try:
            download(name + ".md5")
            break
        except Refused as error:
            tried.append(str(error))
    else:
        print("POAP: no configuration on the door: %s" % "; ".join(tried or ["no serial or MAC"]))
        sys.exit(1)
    token = run("show file bootflash:%s.md5" % name).split()[0]
    report(token, "started")
${image ? '    take_image(token)\n' : ''}    try:
        download(name)
        actual = run("show file bootflash:%s md5sum" % name).strip()
        if actual != token:
            fail(token, "md5 of %s is %s, expected %s" % (name, actual, token))
        count = try_on_switch(name)
        staged = run("copy bootflash:%s scheduled-config" % name)
        if "Copy complete" not in staged:
            raise Refused("copy bootflash:%s scheduled-config: %s" % (name, " ".join(staged.split())))
    except Refused as error:
        fail(token, str(error))
    report(token, "staged", "%s: the switch took its %d commands (rolled back); rebooting to apply it" % (name, count))
    print("POAP: %s staged; NX-OS applies it after the reboot" % name)


if __name__ == "__main__":
    main()
`;
}

/**
 * The POAP script with the line POAP checks before running it: the MD5 of
 * the script without that line.
 */
export function nxosPoapScript(
  ctx: Pick<BootstrapContext, 'doorUrl' | 'image'>,
): string {
  const body = poapBody(ctx.doorUrl, ctx.image);
  const shebang = '#!/bin/env python3\n';
  const rest = body;
  const withoutLine = shebang + rest;
  return `${shebang}#md5sum="${md5Hex(withoutLine)}"\n${rest}`;
}
