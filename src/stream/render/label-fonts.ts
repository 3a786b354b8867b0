/**
 * Which fonts labels are drawn with: Noto from Debian's packages, found by file name under
 * the system font folder. Pure apart from listFontFiles (a directory walk).
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export const SYSTEM_FONTS_DIR = '/usr/share/fonts';

export interface LabelFont {
  /** Family name the font registers as (the first face of a collection). */
  family: string;
  file: string;
  /** Debian package that installs it (named in the log when it is missing). */
  debianPackage: string;
  covers: string;
}

/** In order of preference: the first font with a glyph for a character draws it. */
export const LABEL_FONTS: readonly LabelFont[] = [
  { family: 'Noto Sans', file: 'NotoSans-Regular.ttf', debianPackage: 'fonts-noto-core', covers: 'Latin, Greek, Cyrillic' },
  { family: 'Noto Sans CJK JP', file: 'NotoSansCJK-Regular.ttc', debianPackage: 'fonts-noto-cjk', covers: 'Chinese, Japanese, Korean' },
  { family: 'Noto Sans Arabic', file: 'NotoSansArabic-Regular.ttf', debianPackage: 'fonts-noto-core', covers: 'Arabic' },
  { family: 'Noto Sans Hebrew', file: 'NotoSansHebrew-Regular.ttf', debianPackage: 'fonts-noto-core', covers: 'Hebrew' },
  { family: 'Noto Sans Devanagari', file: 'NotoSansDevanagari-Regular.ttf', debianPackage: 'fonts-noto-core', covers: 'Devanagari' },
  { family: 'Noto Sans Bengali', file: 'NotoSansBengali-Regular.ttf', debianPackage: 'fonts-noto-core', covers: 'Bengali' },
  { family: 'Noto Sans Thai', file: 'NotoSansThai-Regular.ttf', debianPackage: 'fonts-noto-core', covers: 'Thai' },
];

export interface FontChoice {
  found: Array<LabelFont & { path: string }>;
  missing: LabelFont[];
}

/** Matches the wanted fonts against the font files present (full paths); the first file of a name wins. */
export function chooseLabelFonts(paths: readonly string[], wanted: readonly LabelFont[] = LABEL_FONTS): FontChoice {
  const byName = new Map<string, string>();
  for (const path of paths) if (!byName.has(basename(path))) byName.set(basename(path), path);
  const choice: FontChoice = { found: [], missing: [] };
  for (const font of wanted) {
    const path = byName.get(font.file);
    if (path) choice.found.push({ ...font, path });
    else choice.missing.push(font);
  }
  return choice;
}

/** The CSS font list for a canvas: the fonts found, then whatever sans-serif the system has. */
export function cssFontList(fontPx: number, families: readonly string[]): string {
  return `${fontPx}px ${[...families.map((family) => `"${family}"`), 'sans-serif'].join(', ')}`;
}

/** One line per missing font, saying what it would draw and which package installs it. */
export function describeMissingFonts(missing: readonly LabelFont[]): string[] {
  return missing.map((font) => `label font ${font.file} (${font.covers}) not found: install the Debian package ${font.debianPackage}; such names are drawn with another system font or not at all`);
}

/** Font files under `dir` (.ttf, .otf, .ttc), a few levels deep; nothing when it does not exist. */
export function listFontFiles(dir = SYSTEM_FONTS_DIR, depth = 4): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return depth > 0 ? listFontFiles(path, depth - 1) : [];
    return /\.(ttf|otf|ttc)$/i.test(entry.name) ? [path] : [];
  });
}
