/** `efaktura merchant create|list`. */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { insertMerchant, listMerchants } from '../store/merchants.ts';
import { createApiToken } from '../store/tokens.ts';
import { isValidAccountNumber, isValidOrgNumber } from '../domain/norway/norwegian-numbers.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './errors.ts';
import { print, withDb } from './output.ts';

export const MERCHANT_USAGE = `usage: efaktura merchant create --name NAME --org-number 9DIGITS [--account-number 11DIGITS] [--json]
       efaktura merchant list [--json]`;

export async function merchantCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    args,
    { name: { type: 'string' }, 'org-number': { type: 'string' }, 'account-number': { type: 'string' }, json: { type: 'boolean' } },
    MERCHANT_USAGE,
  );
  const json = !!values.json;
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"\n${MERCHANT_USAGE}`);
  if (positionals[0] === 'create') {
    const problems: string[] = [];
    const name = (values.name as string | undefined)?.trim() ?? '';
    const org = (values['org-number'] as string | undefined)?.replace(/\s/g, '') ?? '';
    const account = (values['account-number'] as string | undefined)?.replace(/[\s.]/g, '') || null;
    if (name === '' || name.length > 255) problems.push('--name is required (at most 255 characters)');
    if (!isValidOrgNumber(org)) problems.push('--org-number must be a valid 9-digit Norwegian organisation number');
    if (account !== null && !isValidAccountNumber(account)) problems.push('--account-number must be a valid 11-digit Norwegian account number');
    if (problems.length > 0) throw new UsageError(`${problems.join('\n')}\n${MERCHANT_USAGE}`);
    const created = await withDb(config, logger, (db) =>
      db.transaction(async (tx) => {
        const merchant = await insertMerchant(tx, { name, orgNumber: org, accountNumber: account });
        const token = await createApiToken(tx, merchant.id);
        return { merchantId: merchant.id, token: token.token, callbackSecret: merchant.callbackSecret };
      }),
    );
    print(
      json,
      created,
      `Merchant ${created.merchantId} created. Shown once:\n  API token:       ${created.token}\n  callback secret: ${created.callbackSecret}`,
    );
    return 0;
  }
  if (positionals[0] === 'list') {
    const merchants = await withDb(config, logger, (db) => listMerchants(db));
    const rows = merchants.map((m) => ({ id: m.id, name: m.name, orgNumber: m.orgNumber, accountNumber: m.accountNumber, createdAt: m.createdAt }));
    print(json, rows, rows.length === 0 ? 'No merchants.' : rows.map((m) => `${m.id}\t${m.orgNumber}\t${m.name}`).join('\n'));
    return 0;
  }
  throw new UsageError(MERCHANT_USAGE);
}
