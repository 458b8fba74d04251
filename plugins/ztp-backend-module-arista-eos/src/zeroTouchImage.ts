import type { UpgradeImage } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  pythonString,
  pythonNormalizedVersion,
} from '@ztp-portal/backstage-plugin-ztp-node';

/** Longest a sha256sum of the image may run on the switch, in seconds. */
const CHECKSUM_SECONDS = 600;

/**
 * The part of the ZeroTouch script that takes the approved image before
 * the configuration, the way Arista documents a manual upgrade: the .swi
 * copied to flash over HTTP, its SHA-256 computed on the switch (EOS's
 * "verify" knows MD5 and SHA-512 only, so the Linux sha256sum through
 * "bash", as the EOS manual computes md5sum), "boot system" pointing the
 * boot-config at it, read back with "show boot-config". ZeroTouch reboots
 * once the script exits 0, so the switch comes up on the new image with
 * the saved configuration; no "reload" here.
 *
 * It runs before the configuration: the minimal configuration may move
 * Management1 into a VRF, after which a copy in the default VRF would not
 * reach the door. Any refusal is reported in the switch's words and the
 * script goes on with the configuration on the old image, so a full flash
 * never loops: ZeroTouch does not start over, the portal reads the old
 * version and leaves the rest to the operator.
 */
export function eosZeroTouchImage(image: UpgradeImage): string {
  return `# The approved software image, taken before the configuration.
IMAGE_FILE = ${pythonString(image.file)}
IMAGE_URL = ${pythonString(image.url)}
IMAGE_SIZE = ${image.size}
IMAGE_SHA256 = ${pythonString(image.sha256)}
IMAGE_VERSION = ${pythonString(image.version)}


${pythonNormalizedVersion()}


def forget_image():
    """Frees flash of a partial or corrupted copy (its words do not matter)."""
    fastcli(["delete flash:" + IMAGE_FILE])


def image_refused(detail):
    report("image-failed", detail)
    print("ZeroTouch: image not taken, going on with the old one: " + detail)


def take_image():
    """Makes the approved image the next boot; False (reported) if refused."""
    shown = fastcli(["show version"])
    running = re.search(r"^Software image version:\\s*([^\\s-]+)", shown, re.M)
    if not running:
        image_refused("show version: " + shown.strip())
        return False
    if normalized_version(running.group(1)) == normalized_version(IMAGE_VERSION):
        report("image", "already runs " + running.group(1))
        return True
    booting = fastcli(["show boot-config"])
    if ("Software image: flash:/" + IMAGE_FILE) in booting:
        # Copying over the image the switch boots could leave it none.
        image_refused(
            "flash:%s is the image the switch boots (%s), not overwritten"
            % (IMAGE_FILE, running.group(1))
        )
        return False
    listing = fastcli(["dir flash:"])
    free = re.search(r"\\((\\d+) bytes free\\)", listing)
    if not free:
        image_refused("dir flash: " + (" ".join(refusals(listing)) or listing.strip()))
        return False
    if int(free.group(1)) < IMAGE_SIZE:
        image_refused(
            "flash: has %s bytes free, %s needs %d (%s runs on)"
            % (free.group(1), IMAGE_FILE, IMAGE_SIZE, running.group(1))
        )
        return False
    report("image", "downloading %s (%d bytes) to flash:" % (IMAGE_FILE, IMAGE_SIZE))
    copied = fastcli(["copy %s flash:%s" % (IMAGE_URL, IMAGE_FILE)])
    if refusals(copied) or "Copy completed successfully" not in copied:
        forget_image()
        image_refused("copy %s flash:%s: %s" % (IMAGE_URL, IMAGE_FILE, copied.strip()))
        return False
    report("image", "verifying the SHA-256 of flash:" + IMAGE_FILE)
    summed = fastcli(
        ["bash timeout ${CHECKSUM_SECONDS} sha256sum /mnt/flash/" + IMAGE_FILE]
    )
    digest = re.search(r"^([0-9a-f]{64})\\s", summed, re.M)
    if not digest or digest.group(1) != IMAGE_SHA256:
        forget_image()
        image_refused(
            "sha256sum of flash:%s gave %s, not the approved %s: the download is corrupted (deleted)"
            % (IMAGE_FILE, digest.group(1) if digest else repr(summed.strip()), IMAGE_SHA256)
        )
        return False
    boot = fastcli(["configure", "boot system flash:" + IMAGE_FILE, "end"])
    config = fastcli(["show boot-config"])
    if refusals(boot) or ("Software image: flash:/" + IMAGE_FILE) not in config:
        forget_image()
        image_refused(
            "boot system flash:%s: %s"
            % (IMAGE_FILE, " ".join(refusals(boot)) or config.strip())
        )
        return False
    report(
        "image",
        "installing %s (%s, was %s); rebooting"
        % (IMAGE_FILE, IMAGE_VERSION, running.group(1)),
    )
    return True
`;
}
