/** `efaktura token create|list|revoke` (merchant API tokens) and `efaktura admin-token create`. */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { findMerchant } from '../store/merchants.ts';
import { TokenReferenceError, createAdminToken, createApiToken, listApiTokens, revokeApiToken } from '../store/tokens.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './errors.ts';
import { print, withDb } from './output.ts';

export const TOKEN_USAGE = `usage: efaktura token create --merchant ID [--json]
       efaktura token list [--merchant ID] [--json]
       efaktura token revoke TOKEN_ID | TOKEN | TOKEN_PREFIX (the 17 characters \`token list\` shows) [--json]`;
export const ADMIN_TOKEN_USAGE = 'usage: efaktura admin-token create [--json]';

export async function tokenCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { merchant: { type: 'string' }, json: { type: 'boolean' } }, TOKEN_USAGE);
  const json = !!values.json;
  const merchantText = values.merchant as string | undefined;
  const merchantId = merchantText === undefined ? undefined : Number(merchantText);
  if (merchantText !== undefined && !/^\d{1,15}$/.test(merchantText)) throw new UsageError(`--merchant must be a merchant id\n${TOKEN_USAGE}`);
  const [sub, target, extra] = positionals;
  if (extra !== undefined || (target !== undefined && sub !== 'revoke')) {
    throw new UsageError(`unexpected argument "${extra ?? target}"\n${TOKEN_USAGE}`);
  }
  switch (sub) {
    case 'create': {
      if (merchantId === undefined) throw new UsageError(`token create needs --merchant\n${TOKEN_USAGE}`);
      const token = await withDb(config, logger, async (db) => {
        if ((await findMerchant(db, merchantId)) === null) throw new UsageError(`No merchant ${merchantId}.`);
        return createApiToken(db, merchantId);
      });
      print(json, { merchantId, tokenId: token.id, token: token.token }, `API token ${token.id} (shown once): ${token.token}`);
      return 0;
    }
    case 'list': {
      const tokens = await withDb(config, logger, (db) => listApiTokens(db, merchantId));
      print(
        json,
        tokens,
        tokens.length === 0
          ? 'No tokens.'
          : tokens.map((t) => `${t.id}\tmerchant ${t.merchant_id}\t${t.prefix}…\t${t.revoked_at ? `revoked ${t.revoked_at.toISOString()}` : 'live'}`).join('\n'),
      );
      return 0;
    }
    case 'revoke': {
      if (target === undefined) throw new UsageError(`token revoke needs the token to revoke\n${TOKEN_USAGE}`);
      let revoked: number[];
      try {
        revoked = await withDb(config, logger, (db) => revokeApiToken(db, target));
      } catch (error) {
        if (error instanceof TokenReferenceError) throw new UsageError(`${error.message}\n${TOKEN_USAGE}`);
        throw error;
      }
      if (revoked.length === 0) {
        process.stderr.write(`efaktura: no live token matches "${target}".\n`);
        return 1;
      }
      print(json, { revoked }, `Revoked token ${revoked.join(', ')}.`);
      return 0;
    }
    default:
      throw new UsageError(TOKEN_USAGE);
  }
}

export async function adminTokenCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { json: { type: 'boolean' } }, ADMIN_TOKEN_USAGE);
  if (positionals.length !== 1 || positionals[0] !== 'create') throw new UsageError(ADMIN_TOKEN_USAGE);
  const token = await withDb(config, logger, (db) => createAdminToken(db));
  print(!!values.json, { id: token.id, token: token.token }, `Admin token (shown once): ${token.token}`);
  return 0;
}
