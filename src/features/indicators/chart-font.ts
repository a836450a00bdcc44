import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { create as openFont, type Font } from "fontkitten";

/**
 * The one font of the indicator chart. PT Sans was drawn for Cyrillic as much as for Latin, so
 * German, Russian and Ukrainian labels all render; Vega lays the chart out with its widths and
 * resvg draws it with the same file.
 */
export const FONT_FAMILY = "PT Sans";
export const FONT_FILE = createRequire(import.meta.url).resolve(
  "@expo-google-fonts/pt-sans/400Regular/PTSans_400Regular.ttf",
);

/** Vega's default for text without a font size. */
const VEGA_FONT_SIZE = 11;

let font: Font | undefined;

function loadedFont(): Font {
  if (!font) {
    const opened = openFont(readFileSync(FONT_FILE));
    if (opened.isCollection) throw new Error(`${FONT_FILE} holds a font collection, not one font.`);
    font = opened;
  }
  return font;
}

/** The advance width of `text` in pixels at `size` pixels (without kerning, which only narrows it). */
export function textWidth(text: string, size: number): number {
  const chartFont = loadedFont();
  const advance = chartFont.glyphsForString(text).reduce((sum, glyph) => sum + glyph.advanceWidth, 0);
  return (advance / chartFont.unitsPerEm) * size;
}

/** The hook through which Vega measures text (the one vl-convert uses); Vega's typings leave it out. */
interface VegaTextMetrics {
  width: (item: { fontSize?: number }, text?: unknown) => number;
}

/**
 * Without a browser canvas Vega guesses 0.8 em a letter, which spreads the legend off the picture and
 * drops month labels that would fit; from now on the given Vega module measures with the chart's font.
 */
export function measureVegaTextWithChartFont(vega: object): void {
  loadedFont();
  const metrics = (vega as { textMetrics?: VegaTextMetrics }).textMetrics;
  if (!metrics) throw new Error("This Vega version no longer offers textMetrics to measure text with.");
  metrics.width = (item, text) => {
    const line = typeof text === "string" || typeof text === "number" ? String(text).trim() : "";
    return textWidth(line, item.fontSize ?? VEGA_FONT_SIZE);
  };
}
