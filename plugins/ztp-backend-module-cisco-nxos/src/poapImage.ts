import type { UpgradeImage } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  pythonString,
  pythonNormalizedVersion,
} from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The image the POAP script may take: its file name goes into CLI commands
 * (a " ; " would start another one), so a name of other characters than
 * letters, digits and ._+- is left to the SSH upgrade.
 */
export function poapTakesImage(
  image: UpgradeImage | undefined,
): UpgradeImage | undefined {
  return image && /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(image.file)
    ? image
    : undefined;
}

/**
 * The name of the POAP script that takes this image: one per image, so
 * that every switch taking the same image shares the same script (POAP
 * scripts are shared files) and poap.py stays the script without an image.
 */
export function poapImageScriptName(image: UpgradeImage): string {
  return `poap_${image.sha256.slice(0, 16)}.py`;
}

/**
 * The POAP script's image step (Python, uses the script's run, quietly,
 * report and Refused), as Cisco's reference POAP script takes its target
 * image: compare the running release, check bootflash's free space, "copy
 * <url> bootflash:<file> vrf management", read the checksums back on the
 * switch ("show file ... sha256sum", and md5sum when the catalog has an
 * MD5), "boot nxos bootflash:<file>" and "copy running-config
 * startup-config". The switch boots the image at the reboot that ends
 * POAP, and replays the staged configuration on it. Any refusal is
 * reported as image-failed, in the switch's words, and the script goes
 * on with the configuration on the old image (a full bootflash would
 * never get better by starting POAP over).
 */
export function poapImageStep(image: UpgradeImage): string {
  return `IMAGE_FILE = ${pythonString(image.file)}
IMAGE_URL = ${pythonString(image.url)}
IMAGE_SIZE = ${Math.trunc(image.size)}
IMAGE_SHA256 = ${pythonString(image.sha256.toLowerCase())}
IMAGE_MD5 = ${image.md5 ? pythonString(image.md5.toLowerCase()) : 'None'}
IMAGE_VERSION = ${pythonString(image.version)}


${pythonNormalizedVersion()}


def running_version():
    output = quietly("show version")
    match = re.search(r"^\\s*(?:NXOS|system):\\s+version\\s+(\\d\\S*)", output, re.M | re.I)
    return match.group(1) if match else None


def image_digest(kind):
    """The image's checksum as the switch computes it from bootflash."""
    command = "show file bootflash:%s %s" % (IMAGE_FILE, kind)
    output = run(command)
    match = re.search(r"\\b([0-9a-fA-F]{%d})\\b" % (64 if kind == "sha256sum" else 32), output)
    if not match:
        raise Refused("%s: %s" % (command, " ".join(output.split())))
    return match.group(1).lower()


def image_on_bootflash():
    """Whether an earlier POAP run left the approved image on bootflash; a
    file of that name with other contents is deleted (copy would ask
    before overwriting it, and its space counts as free)."""
    try:
        found = image_digest("sha256sum")
    except Refused:
        return False
    if found == IMAGE_SHA256:
        return True
    quietly("delete bootflash:%s no-prompt" % IMAGE_FILE)
    return False


def check_space():
    free_line = re.search(r"^\\s*(\\d+) bytes free.*$", run("dir bootflash:"), re.M)
    if not free_line:
        raise Refused('"dir bootflash:" does not say how many bytes are free')
    if int(free_line.group(1)) < IMAGE_SIZE:
        raise Refused("not enough space on bootflash for %s (%d bytes): %s" % (IMAGE_FILE, IMAGE_SIZE, free_line.group(0).strip()))


def download_image():
    command = "copy %s bootflash:%s vrf %s" % (IMAGE_URL, IMAGE_FILE, VRF)
    output = run(command)
    if "Copy complete" not in output:
        raise Refused("%s: %s" % (command, " ".join(output.split())))


def verify_image():
    checks = [("sha256sum", IMAGE_SHA256)]
    if IMAGE_MD5:
        checks.append(("md5sum", IMAGE_MD5))
    for kind, expected in checks:
        actual = image_digest(kind)
        if actual != expected:
            quietly("delete bootflash:%s no-prompt" % IMAGE_FILE)
            raise Refused("show file bootflash:%s %s: %s, not the approved %s: the download is corrupted (deleted)" % (IMAGE_FILE, kind, actual, expected))


def install_image():
    try:
        run("configure terminal ; boot nxos bootflash:%s" % IMAGE_FILE)
    except Refused:
        quietly("delete bootflash:%s no-prompt" % IMAGE_FILE)
        raise
    saved = run("copy running-config startup-config")
    if "Copy complete" not in saved:
        raise Refused("copy running-config startup-config: %s" % " ".join(saved.split()))


def take_image(token):
    """Makes the approved image the next boot unless the switch runs it;
    a failure is reported and the switch keeps its image."""
    running = running_version()
    if running and normalized_version(running) == normalized_version(IMAGE_VERSION):
        report(token, "image", "already runs %s" % running)
        return
    try:
        if image_on_bootflash():
            report(token, "image", "%s already on bootflash with the approved SHA-256" % IMAGE_FILE)
        else:
            check_space()
            report(token, "image", "downloading %s (%d bytes; running %s, approved %s)" % (IMAGE_FILE, IMAGE_SIZE, running or "an unknown release", IMAGE_VERSION))
            download_image()
            verify_image()
        install_image()
    except Refused as error:
        report(token, "image-failed", "%s; keeping %s" % (error, running or "the running image"))
        return
    report(token, "image", "installing %s: boot nxos bootflash:%s set and saved; rebooting into %s when POAP ends" % (IMAGE_FILE, IMAGE_FILE, IMAGE_VERSION))

`;
}
