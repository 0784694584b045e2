import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';

/**
 * All user-facing text lives in Fluent files: `src/i18n/<locale>/*.ftl`, one file per feature.
 * Vietnamese is the primary locale; a key missing in another locale falls back to Vietnamese.
 */
export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'vi';

export type TranslateArgs = Record<string, FluentVariable | null | undefined>;
export type Translate = (key: string, args?: TranslateArgs) => string;

const here = path.dirname(fileURLToPath(import.meta.url));
const bundles = new Map<Locale, FluentBundle>();

function loadBundle(locale: Locale): FluentBundle {
  let bundle = bundles.get(locale);
  if (bundle) return bundle;
  // Isolating marks would end up inside chat messages as invisible characters.
  bundle = new FluentBundle(locale, { useIsolating: false });
  const dir = path.join(here, locale);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl')).sort()) {
    const errors = bundle.addResource(new FluentResource(readFileSync(path.join(dir, file), 'utf8')));
    if (errors.length > 0) throw new Error(`i18n: ${locale}/${file}: ${errors.map((e) => e.message).join('; ')}`);
  }
  bundles.set(locale, bundle);
  return bundle;
}

function format(bundle: FluentBundle, key: string, args?: TranslateArgs): string | undefined {
  const message = bundle.getMessage(key);
  if (!message?.value) return undefined;
  const clean: Record<string, FluentVariable> = {};
  for (const [k, v] of Object.entries(args ?? {})) if (v !== null && v !== undefined) clean[k] = v;
  const errors: Error[] = [];
  const text = bundle.formatPattern(message.value, clean, errors);
  return text;
}

export function isLocale(value: string | undefined | null): value is Locale {
  return (LOCALES as readonly string[]).includes(value ?? '');
}

/** A translator for one locale; unknown keys come back as the key itself so they are noticed. */
export function createTranslator(locale: Locale = DEFAULT_LOCALE): Translate {
  const primary = loadBundle(locale);
  const fallback = locale === DEFAULT_LOCALE ? undefined : loadBundle(DEFAULT_LOCALE);
  return (key, args) => format(primary, key, args) ?? (fallback && format(fallback, key, args)) ?? key;
}

/** Every message key of a locale, for tests that keep the locales in step. */
export function messageKeys(locale: Locale): string[] {
  const dir = path.join(here, locale);
  const keys: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl'))) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const m = /^([a-z][a-z0-9_-]*)\s*=/.exec(line);
      if (m?.[1]) keys.push(m[1]);
    }
  }
  return keys;
}
