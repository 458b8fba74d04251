import { expect, Page, test } from '@playwright/test';
import { Client } from 'ssh2';

/**
 * The whole ZTP flow as an operator sees it: simulated devices boot and
 * fetch their minimal configuration, the dashboard shows them reach Loaded
 * and Checked live, the device declared with a temporary serial ends in
 * Mismatch, the operator reads the account in the fix dialog, logs in to
 * the device to read its real serial, and Check Serial turns it green.
 * Then Conf Final (Push) from the device's ZTP tab.
 */

const MISMATCH_DEVICE = 'leaf-04-par1';
const MISMATCH_IP = '127.0.10.24';

async function shot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

/** Signs in as the guest, then opens the ZTP dashboard. */
async function openDashboard(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // Signed in once the sidebar shows; a reload before that signs out.
  await expect(page.getByRole('link', { name: 'ZTP' })).toBeVisible();
  await page.goto('/ztp');
}

/** Logs in to the device like an operator would and reads its serial. */
function readSerialOverSsh(
  username: string,
  password: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let out = '';
    conn
      .on('ready', () => {
        conn.shell({ term: 'vt100', rows: 200 }, (err, stream) => {
          if (err) return reject(err);
          stream.on('data', (d: Buffer) => {
            out += d.toString('utf8');
            const m = /Serial number:\s*(\S+)/.exec(out);
            if (m) {
              conn.end();
              resolve(m[1]);
            }
          });
          stream.write('terminal length 0\nshow version\n');
          return undefined;
        });
      })
      .on('error', reject)
      .connect({
        host: MISMATCH_IP,
        port: 22,
        username,
        password,
        readyTimeout: 10_000,
      });
  });
}

test('devices reach Checked live and the Mismatch is fixed from the dialog', async ({
  page,
}) => {
  await openDashboard(page);
  await expect(
    page.getByRole('heading', { name: 'ZTP Status Dashboard' }),
  ).toBeVisible();
  await shot(page, '01-dashboard-booting');

  // Live: without reloading, devices reach Loaded, then Checked.
  const checkedCounter = page.getByText('Serial checked').locator('..');
  await expect(checkedCounter).toContainText('16', { timeout: 150_000 });
  await expect(page.getByText('Conf Min loaded').locator('..')).toContainText(
    '17',
  );
  await shot(page, '02-dashboard-checked');

  const row = page.getByRole('row', { name: new RegExp(MISMATCH_DEVICE) });
  await expect(row).toContainText('Mismatch');
  await row.getByRole('button', { name: 'Fix serial mismatch' }).click();

  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('TEMP-0001');
  await dialog.getByRole('button', { name: 'Reveal' }).click();
  const sshLine = await dialog
    .getByText(/^ssh ztp-[0-9a-f]{6}@127\.0\.10\.24$/)
    .textContent();
  const username = /ssh (ztp-[0-9a-f]{6})@/.exec(sshLine ?? '')![1];
  const password = (await dialog
    .getByTestId('revealed-password')
    .textContent())!.trim();
  await shot(page, '03-fix-dialog');

  const realSerial = await readSerialOverSsh(username, password);
  expect(realSerial).not.toBe('TEMP-0001');

  await dialog.getByLabel('New Serial').fill(realSerial);
  await dialog.getByRole('button', { name: 'Check Serial' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(row).toContainText('Checked');
  await expect(checkedCounter).toContainText('17');
  await shot(page, '04-dashboard-fixed');

  // The device's ZTP tab, and Conf Final (Push).
  await page.goto(`/catalog/default/resource/${MISMATCH_DEVICE}/ztp`);
  await expect(page.getByText('Timeline')).toBeVisible();
  await expect(
    page.getByText(/Expected serial changed from TEMP-0001/),
  ).toBeVisible();
  await shot(page, '05-device-tab');
  const push = page.getByRole('button', { name: 'Conf Final (Push)' });
  await expect(push).toBeEnabled();
  await push.click();
  const confirm = page.getByRole('dialog');
  await confirm.getByRole('button', { name: 'Push' }).click();
  await expect(confirm.getByRole('alert')).toContainText(
    'Final configuration pushed to',
    { timeout: 120_000 },
  );
  await shot(page, '06-conf-final');
  await confirm.getByRole('button', { name: 'Close' }).click();
  // Provisioned: the bootstrap account is gone and the state is Pushed.
  await expect(
    page.getByText(/the bootstrap account ztp-[0-9a-f]{6} was removed/).first(),
  ).toBeVisible();
  await shot(page, '07-provisioned');
});

test('a device nobody declared shows up under Unknown devices', async ({
  page,
  request,
}) => {
  // A device racked with a MAC address nobody declared asks the device door.
  const stranger = '02:00:5e:00:53:99';
  const answer = await request.get(
    `http://127.0.0.1:7080/ztp/config/by-mac/${stranger}`,
  );
  expect(answer.status()).toBe(404);

  await openDashboard(page);
  const card = page.getByRole('table', { name: 'Unknown devices' });
  // Probes are counted, written within seconds, and the card refreshes.
  await expect(card).toContainText(stranger, { timeout: 60_000 });
  const row = card.getByRole('row', { name: new RegExp(stranger) });
  await expect(row).toContainText('127.0.0.1');
  await row.scrollIntoViewIfNeeded();
  await shot(page, '08-unknown-devices');
});

test('a declaration the catalog refused shows on the dashboard with its problem', async ({
  page,
}) => {
  await openDashboard(page);
  // The catalog module reports it to the ZTP backend as it processes the
  // file; the card reads it again every 30 s.
  const refused = page.getByTestId('declaration-problem');
  await expect(refused).toContainText('resource:default/leaf-99-par1', {
    timeout: 90_000,
  });
  await expect(refused).toContainText(
    'ztp.network/mac-address: "44:4c:a8:1a:2b" is not a MAC address',
  );
  await expect(refused).toContainText('e2e/fixtures/refused-device.yaml');
  // Refused, so never in the ZTP queue.
  await expect(page.getByRole('link', { name: /Leaf 99 - PAR1/ })).toHaveCount(
    0,
  );
  await refused.scrollIntoViewIfNeeded();
  await shot(page, '09-refused-declaration');
});
