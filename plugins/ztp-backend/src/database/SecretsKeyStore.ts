import type { Knex } from 'knex';

/** The encrypted data of the ZTP database, as the secrets key sees it. */
export class SecretsKeyStore {
  constructor(private readonly db: Knex) {}

  /** The key check value, if one was written. */
  async readCheckValue(): Promise<string | undefined> {
    const row = await this.db('ztp_secrets_key_check').where({ id: 1 }).first();
    return row?.check_value;
  }

  /** Writes the key check value unless another replica wrote one first. */
  async insertCheckValue(checkValue: string, at: Date): Promise<void> {
    await this.db('ztp_secrets_key_check')
      .insert({ id: 1, check_value: checkValue, created_at: at })
      .onConflict('id')
      .ignore();
  }

  /** One stored password, to test a key on a database that has no check value yet. */
  async samplePassword(): Promise<
    { entityRef: string; sealed: string } | undefined
  > {
    const row = await this.db('ztp_devices')
      .select('entity_ref', 'local_password_enc')
      .orderBy('entity_ref')
      .first();
    return row
      ? { entityRef: row.entity_ref, sealed: row.local_password_enc }
      : undefined;
  }

  /**
   * Rewrites every stored password and the key check value in one
   * transaction: all under the new key, or nothing changed.
   */
  async reencryptAll(
    reseal: (entityRef: string, sealed: string) => string,
    checkValue: (current: string | undefined) => string,
    at: Date,
  ): Promise<number> {
    return this.db.transaction(async tx => {
      const check = await tx('ztp_secrets_key_check')
        .where({ id: 1 })
        .modify(q => {
          if (tx.client.config.client === 'pg') q.forUpdate();
        })
        .first();
      const newCheck = checkValue(check?.check_value);
      const rows = await tx('ztp_devices')
        .select('entity_ref', 'local_password_enc')
        .orderBy('entity_ref')
        .modify(q => {
          if (tx.client.config.client === 'pg') q.forUpdate();
        });
      for (const row of rows) {
        await tx('ztp_devices')
          .where({ entity_ref: row.entity_ref })
          .update({
            local_password_enc: reseal(row.entity_ref, row.local_password_enc),
          });
      }
      await tx('ztp_secrets_key_check')
        .insert({
          id: 1,
          check_value: newCheck,
          created_at: at,
          rotated_at: at,
        })
        .onConflict('id')
        .merge(['check_value', 'rotated_at']);
      return rows.length;
    });
  }
}
