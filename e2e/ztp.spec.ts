import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
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

/** Components of ours, as React names them in a warning's component stack. */
const OUR_COMPONENTS =
  /\b(Ztp\w*|DeviceQueueTable|QueueFilters|QueueCounters|FixSerialDialog|LocalAccount|EntityZtp\w*|DeviceStatusCard|DeviceTimeline|FinalConfigCard|BulkPush\w*|UnknownDevicesCard|DeclarationProblemsCard|PolledListContent|StatusChip|\w+Badge|SidebarLogo|LogoFull|DeviceReplacementPanel|ReplaceDevice\w*|ReprovisionDialog|StuckDevicesCard|ReplacementListCard|DeviceFlags)\b/;

/**
 * Warnings that Material UI v4 itself raises for any component placed in it
 * (its ButtonBase and Transition call findDOMNode): not ours to fix here.
 */
const LIBRARY_WARNINGS = /^Warning: findDOMNode is deprecated/;

/** React warnings about our components in the browser console fail the test. */
let reactWarnings: string[] = [];
test.beforeEach(async ({ page }) => {
  reactWarnings = [];
  page.on('console', message => {
    const text = message.text();
    if (
      message.type() === 'error' &&
      /^Warning: /.test(text) &&
      !LIBRARY_WARNINGS.test(text) &&
      OUR_COMPONENTS.test(text)
    ) {
      reactWarnings.push(text.slice(0, 1500));
    }
  });
});

test.afterEach(() => {
  expect(reactWarnings).toEqual([]);
});

/** Signs in as the guest and lands on the ZTP dashboard. */
async function openDashboard(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // After sign-in the portal's root address is the ZTP dashboard, not a 404.
  await expect(page).toHaveURL(/\/ztp$/);
  await expect(
    page.getByRole('heading', { name: 'ZTP Status Dashboard' }),
  ).toBeVisible();
  // The sidebar names the portal as the sign-in page does.
  await expect(
    page.getByRole('link', { name: 'ZTP Portal home' }),
  ).toBeVisible();
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

/** Where e2e/stack.sh points ztp.scaffolder.localCatalogFile. */
const DECLARED_DIR = path.resolve(__dirname, '.declared');

/** The variables of a declared OOB switch, after oob-01-par1's. */
function writeVariables(name: string, ip: string) {
  const text = fs
    .readFileSync(
      path.resolve(__dirname, '../examples/fleet/vars/oob-01-par1.yaml'),
      'utf8',
    )
    .replaceAll('oob-01-par1', name)
    .replaceAll('127.0.10.51', ip);
  fs.mkdirSync(path.join(DECLARED_DIR, 'vars'), { recursive: true });
  fs.writeFileSync(path.join(DECLARED_DIR, 'vars', `${name}.yaml`), text);
}

/** A simulated device for what the Scaffolder declared, in its own process group. */
function startSimulator(
  catalog = path.join(DECLARED_DIR, 'declared-devices.yaml'),
): ChildProcess {
  return spawn(
    process.execPath,
    [
      path.resolve(__dirname, '../packages/ztp-simulator/bin/ztp-simulator'),
      '--catalog',
      catalog,
      '--provisioning-url',
      'http://127.0.0.1:7080',
      '--status-port',
      '0',
    ],
    { detached: true, stdio: 'ignore' },
  );
}

test('a device declared with the Scaffolder form reaches Provisioned', async ({
  page,
}) => {
  const name = 'oob-09-par1';
  const ip = '127.0.10.59';
  writeVariables(name, ip);
  await openDashboard(page);

  // The template's form, as the Create page's "Choose" opens it.
  await page.goto('/create/templates/default/declare-network-device');
  await page.getByRole('textbox', { name: /^Name/ }).fill(name);
  await page
    .getByRole('textbox', { name: /^Title/ })
    .fill('OOB switch 09 - PAR1');
  await page.getByLabel(/^Site/).click();
  await page.getByRole('option', { name: 'PAR1 - Paris data centre' }).click();
  await page.getByLabel(/^Platform/).click();
  await page.getByRole('option', { name: 'Cisco IOS XE' }).click();
  await page.getByRole('textbox', { name: /^Role/ }).fill('oob');
  await page
    .getByRole('textbox', { name: /^Final configuration variables/ })
    .fill(`./vars/${name}.yaml`);
  await shot(page, '10-declare-device');
  await page.getByRole('button', { name: 'Next' }).click();

  await page
    .getByRole('textbox', { name: /^Serial number/ })
    .fill('FOC2342U0A9');
  await page
    .getByRole('textbox', { name: /^Management address/ })
    .fill(`${ip}/24`);
  await page
    .getByRole('textbox', { name: /^Default gateway/ })
    .fill('127.0.10.1');
  await page
    .getByRole('textbox', { name: /^MAC address/ })
    .fill('00:2a:10:a1:10:59');
  await page.getByRole('textbox', { name: /^Hostname/ }).fill(name);
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(
    page.getByRole('link', { name: 'Open the device in the catalog' }),
  ).toBeVisible({ timeout: 60_000 });
  await shot(page, '11-declared');

  // The declaration is in the data location, outside the source tree.
  expect(
    fs.readFileSync(path.join(DECLARED_DIR, 'declared-devices.yaml'), 'utf8'),
  ).toContain(`ztp.network/variables: ./vars/${name}.yaml`);

  const simulator = startSimulator();
  try {
    await page.goto(`/ztp?q=${name}`);
    const row = page.getByRole('row', { name: new RegExp(name) });
    await expect(row).toContainText('Checked', { timeout: 120_000 });

    await page.goto(`/catalog/default/resource/${name}/ztp`);
    const push = page.getByRole('button', { name: 'Conf Final (Push)' });
    await expect(push).toBeEnabled({ timeout: 30_000 });
    await push.click();
    const confirm = page.getByRole('dialog');
    await confirm.getByRole('button', { name: 'Push' }).click();
    await expect(confirm.getByRole('alert')).toContainText(
      'Final configuration pushed to',
      { timeout: 120_000 },
    );
    await confirm.getByRole('button', { name: 'Close' }).click();
    // Provisioned: no push, no serial check offered, and why.
    await expect(push).toBeDisabled();
    await expect(page.getByTestId('push-disabled-reason')).toContainText(
      'Already Provisioned',
    );
    await expect(
      page.getByRole('button', { name: 'Check Serial Now' }),
    ).toBeDisabled();
    await shot(page, '12-declared-provisioned');
  } finally {
    // Stopped by its process group's id, never by name.
    if (simulator.pid) process.kill(-simulator.pid, 'SIGTERM');
  }
});

/** A catalog file the simulator boots one box from: the device as declared, with this box's serial and MAC. */
function writeBox(
  file: string,
  box: { name: string; ip: string; serial: string; mac: string },
) {
  const text = [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Resource',
    'metadata:',
    `  name: ${box.name}`,
    '  annotations:',
    `    ztp.network/serial-number: ${box.serial}`,
    '    ztp.network/platform: cisco-iosxe',
    `    ztp.network/management-address: ${box.ip}/24`,
    '    ztp.network/default-gateway: 127.0.10.1',
    `    ztp.network/mac-address: '${box.mac}'`,
    `    ztp.network/hostname: ${box.name}`,
    'spec:',
    '  type: network-device',
    '  owner: group:default/network-operators',
    '',
  ].join('\n');
  const target = path.join(DECLARED_DIR, file);
  fs.writeFileSync(target, text);
  return target;
}

test('a dead device is replaced from the browser and the new box is Provisioned with the same configuration', async ({
  page,
}) => {
  const name = 'oob-08-par1';
  const ip = '127.0.10.58';
  const oldBox = { name, ip, serial: 'FOC2342U0A8', mac: '00:2a:10:a1:10:58' };
  const newBox = { name, ip, serial: 'FOC2399U1B8', mac: '00:2a:10:a1:99:58' };
  writeVariables(name, ip);
  await openDashboard(page);

  // Declared with the Scaffolder form, as an operator would.
  await page.goto('/create');
  await page
    .getByRole('article')
    .filter({ hasText: 'Declare a network device' })
    .getByRole('button', { name: 'Choose' })
    .click();
  await page.getByRole('textbox', { name: /^Name/ }).fill(name);
  await page
    .getByRole('textbox', { name: /^Title/ })
    .fill('OOB switch 08 - PAR1');
  await page.getByLabel(/^Site/).click();
  await page.getByRole('option', { name: 'PAR1 - Paris data centre' }).click();
  await page.getByLabel(/^Platform/).click();
  await page.getByRole('option', { name: 'Cisco IOS XE' }).click();
  await page.getByRole('textbox', { name: /^Role/ }).fill('oob');
  await page
    .getByRole('textbox', { name: /^Final configuration variables/ })
    .fill(`./vars/${name}.yaml`);
  await page.getByRole('button', { name: 'Next' }).click();
  await page
    .getByRole('textbox', { name: /^Serial number/ })
    .fill(oldBox.serial);
  await page
    .getByRole('textbox', { name: /^Management address/ })
    .fill(`${ip}/24`);
  await page
    .getByRole('textbox', { name: /^Default gateway/ })
    .fill('127.0.10.1');
  await page.getByRole('textbox', { name: /^MAC address/ }).fill(oldBox.mac);
  await page.getByRole('textbox', { name: /^Hostname/ }).fill(name);
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(
    page.getByRole('link', { name: 'Open the device in the catalog' }),
  ).toBeVisible({ timeout: 60_000 });

  const simulators: ChildProcess[] = [];
  try {
    // The old box boots and is Checked, then dies.
    simulators.push(startSimulator(writeBox(`${name}-old-box.yaml`, oldBox)));
    await page.goto(`/ztp?q=${name}`);
    const row = page.getByRole('row', { name: new RegExp(name) });
    await expect(row).toContainText('Checked', { timeout: 120_000 });
    // Stopped by its process group's id, never by name.
    process.kill(-simulators[0].pid!, 'SIGTERM');

    // Replace device, from the dashboard's row.
    await row.getByRole('button', { name: /^Replace / }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(oldBox.serial);
    await dialog.getByLabel('New Serial').fill(newBox.serial);
    await dialog.getByLabel('New MAC').fill(newBox.mac);
    await shot(page, '20-replace-dialog');
    await dialog.getByRole('button', { name: 'Replace device' }).click();
    await expect(dialog).toBeHidden({ timeout: 30_000 });
    await expect(row).toContainText('Replacement');
    await expect(row).toContainText('Not Loaded');

    // The new box, with its own serial, MAC and host key, boots and is
    // Checked; the same final configuration is pushed by itself.
    simulators.push(startSimulator(writeBox(`${name}-new-box.yaml`, newBox)));
    await page.goto(`/catalog/default/resource/${name}/ztp`);
    await expect(page.getByLabel('Replacement')).toContainText(
      `Replacement of the box with serial ${oldBox.serial}`,
    );
    await expect(page.getByTestId('push-disabled-reason')).toContainText(
      'Already Provisioned',
      { timeout: 180_000 },
    );
    await expect(page.getByLabel('Replacement')).toBeHidden();
    // The timeline keeps both boxes.
    await expect(
      page
        .getByText(
          new RegExp(
            `old box ${oldBox.serial} \\(MAC ${oldBox.mac}\\) gives way to ${newBox.serial}`,
          ),
        )
        .first(),
    ).toBeVisible();
    await shot(page, '21-replaced-provisioned');
  } finally {
    for (const simulator of simulators) {
      try {
        if (simulator.pid) process.kill(-simulator.pid, 'SIGTERM');
      } catch {
        // Already stopped (the old box above).
      }
    }
  }
});
