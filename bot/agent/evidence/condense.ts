/**
 * Runtime error chains without their wrapping, for statements (the evidence keeps the text as
 * the server gave it): containerd nests the same image reference two or three times
 * (`failed to pull and unpack image "x": failed to resolve reference "x": x: not found`) and
 * gRPC adds `rpc error: code = NotFound desc =`, which pushes the words that say what is wrong
 * (`not found`, `401 Unauthorized`, `manifest unknown`) past where a sentence is cut.
 */
export function condenseMessage(text: string): string {
  return text
    .replace(/rpc error: code = \w+ desc = /g, '')
    .replace(/failed to pull and unpack image "[^"]+": /g, '')
    .replace(/failed to resolve reference "([^"]+)": (?:\1: )?/g, '')
    .replace(/ from (?:GET|HEAD) request to \S+?: /g, ': ')
    .replace(/\s+/g, ' ')
    .trim();
}
