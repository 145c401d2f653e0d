import path from 'node:path';
import { z } from 'zod';

/**
 * How environment values are read, shared by every area's schema file. The environment (and
 * CONFIG_FILE, which config.ts turns into the same strings) only holds strings; these turn them
 * into typed values with one error wording everywhere. Imports nothing of ours, so any config file
 * may use it without a cycle through config.ts.
 */

/** `true`/`false`/`1`/`0`. */
export const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A whole number within [min, max]. */
export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Comma-separated values, trimmed, empty entries dropped. */
export const csvList = z.string().transform((v) => v.split(',').map((h) => h.trim()).filter(Boolean));

/** Comma-separated header names, lower-cased. */
export const headerList = z.string().transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));

/** A file path, resolved against the working directory. */
export const filePath = z.string().min(1).transform((v) => path.resolve(v));
