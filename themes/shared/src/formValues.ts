/** Comma-separated text as its non-empty items, trimmed. */
export const commaList = (text: string) =>
  text
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");

/** Empty is null ("no limit", "never"); a number goes as a number; anything else as typed, so the server's error names the field. */
export const figure = (text: string): number | string | null =>
  text.trim() === "" ? null : /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : text;
