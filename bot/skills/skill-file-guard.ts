import { realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';

/** Largest skill file served or linted (64 KiB: a body stays under ~5k tokens; detail goes to references/). */
export const MAX_SKILL_FILE_BYTES = 64 * 1024;

/**
 * Why a skill file must not be read, or undefined when it may: it is reached through a symlink
 * that leads outside `root` (a skills checkout must not serve /etc/passwd or another repo's
 * secrets), or it is larger than {@link MAX_SKILL_FILE_BYTES} (a 5 MB body would flood every
 * prompt). Both the catalog loader and `skills lint` ask this before reading.
 */
export function skillFileProblem(path: string, root: string): string | undefined {
  let real: string;
  let realRoot: string;
  try {
    real = realpathSync(path);
    realRoot = realpathSync(root);
  } catch (error) {
    return `cannot resolve ${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (real !== realRoot && !real.startsWith(`${realRoot}${sep}`))
    return `${path} leads outside the skills root ${root} (through a symlink); only files inside it are served`;
  const size = statSync(real).size;
  if (size > MAX_SKILL_FILE_BYTES)
    return `${path} is ${size} bytes; skill files may be at most ${MAX_SKILL_FILE_BYTES} (move detail to references/)`;
  return undefined;
}
