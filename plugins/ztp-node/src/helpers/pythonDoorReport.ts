import type { BootstrapContext } from '../bootstrap';
import { pythonString } from './bootstrapFiles';

/**
 * The Python a device-side script uses to report its progress to the door
 * (`/ztp/report/<token>/<stage>[/<detail>]`, the detail as unpadded
 * base64url of its last 1,500 characters): `REPORT_URL`, `report(stage,
 * detail)`, which never stops the script, and `fail(detail)`, which reports
 * and exits 1 so that the device's agent starts over. One protocol for
 * every platform's script, as the door reads it.
 */
export function pythonDoorReport(
  ctx: Pick<BootstrapContext, 'doorUrl' | 'reportPath'>,
  failurePrefix: string,
): string {
  return `REPORT_URL = ${pythonString(`${ctx.doorUrl}${ctx.reportPath}`)}


def report(stage, detail=""):
    """Tells the door how far the script got; never stops the script."""
    url = REPORT_URL + "/" + stage
    if detail:
        encoded = base64.urlsafe_b64encode(detail[-1500:].encode("utf-8"))
        url += "/" + encoded.decode("ascii").rstrip("=")
    try:
        urllib.request.urlopen(url, timeout=15).read()
    except Exception as error:  # the door may be unreachable: keep going
        print("could not report %s: %s" % (stage, error))


def fail(detail):
    print(${pythonString(`${failurePrefix}: `)} + detail)
    report("failed", detail)
    sys.exit(1)`;
}
