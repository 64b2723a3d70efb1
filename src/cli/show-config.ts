/**
 * `efaktura config`: every setting with the value this process would use, where it came from, and its
 * default, so an operator can check a deployment's environment. Secrets are shown as set, never in full.
 */
import { ConfigError, SETTINGS, loadConfig, type Config } from '../config.ts';
import { parseCommandLine } from './args.ts';
import { UsageError } from './errors.ts';

export const CONFIG_USAGE = 'usage: efaktura config';

/** Values that follow from other settings when unset (their SETTINGS default is empty). */
const DERIVED: Record<string, (config: Config) => string> = {
  EFAKTURA_DEMO_MERCHANT: (config) => (config.demoMerchant ? '1' : '0'),
};

function shown(name: string, value: string): string {
  if (name === 'EFAKTURA_ADMIN_TOKEN') return value === '' ? '' : '(set, hidden)';
  if ((name === 'DATABASE_URL' || name === 'EFAKTURA_SMTP_URL') && value !== '') {
    try {
      const url = new URL(value);
      if (url.password !== '') url.password = '***';
      return url.toString();
    } catch {
      return '(set, not a URL)';
    }
  }
  return value;
}

export function configCommand(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const { positionals } = parseCommandLine(args, {}, CONFIG_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n${CONFIG_USAGE}`);
  let config: Config | null = null;
  let problems: string | null = null;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems = error.message;
  }
  const rows = SETTINGS.map((s) => {
    const raw = env[s.env]?.trim() ?? '';
    const derive = DERIVED[s.env];
    const [value, source] =
      raw !== '' ? [raw, 'environment'] : derive && config ? [derive(config), 'derived'] : [s.default, 'default'];
    return [s.env, shown(s.env, value) || '(none)', source, s.default || '-', s.description];
  });
  const header = ['VARIABLE', 'VALUE', 'FROM', 'DEFAULT', 'MEANING'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  process.stdout.write(`${[header, ...rows].map(line).join('\n')}\n`);
  if (problems !== null) {
    process.stderr.write(`efaktura: ${problems}\n`);
    return 1;
  }
  return 0;
}
