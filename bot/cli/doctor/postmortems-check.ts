import { errorMessage } from '../../errors.js';
import type { Env } from '../../config/parse-env.js';
import { loadPostmortemsConfig } from '../../rca/config.js';
import { createPostmortemsProvider } from '../postmortems-wiring.js';
import { readBranchHead } from './branch-head.js';
import { check, type DoctorCheck } from './doctor-check.js';

const NAME = 'postmortems repository';
const DOCS = 'README, "Configuration", RCA_POSTMORTEMS_*';

/**
 * Where published RCAs open pull requests: the RCA_POSTMORTEMS_* variables parse (with the
 * fix loop's FIX_GIT_* as fallbacks), the token is accepted and the base branch is readable.
 * Off (no RCA_POSTMORTEMS_REPOSITORY): a skip, since publishing then exports markdown only.
 */
export async function postmortemsCheck(env: Env, timeoutMs: number): Promise<DoctorCheck> {
  let config: ReturnType<typeof loadPostmortemsConfig>;
  try {
    config = loadPostmortemsConfig(env);
  } catch (error) {
    return { name: NAME, status: 'fail', detail: errorMessage(error), fix: `Set the variables named above (${DOCS}).` };
  }
  if (!config)
    return {
      name: NAME,
      status: 'skip',
      detail: 'RCA_POSTMORTEMS_REPOSITORY is not set: publishing an RCA exports markdown only',
      fix: `Set RCA_POSTMORTEMS_REPOSITORY to open a pull request per published RCA (${DOCS}).`,
    };
  const provider = createPostmortemsProvider(config);
  const { RCA_POSTMORTEMS_REPOSITORY: repository, RCA_POSTMORTEMS_BRANCH: branch } = config;
  const apiUrl = config.RCA_GIT_API_URL;
  const unreachable = `Check that ${apiUrl} (RCA_GIT_API_URL, or FIX_GIT_API_URL) is reachable from here.`;
  return check(NAME, unreachable, async () => {
    const sha = await readBranchHead(
      provider,
      { repository, branch },
      { timeoutMs, unreachable },
      {
        token: 'the postmortems token',
        onRefused:
          'Replace RCA_GIT_TOKEN (or FIX_GIT_TOKEN, which it falls back to) with a token that may open pull requests.',
        onNotFound:
          'Check RCA_POSTMORTEMS_REPOSITORY and RCA_POSTMORTEMS_BRANCH, and that the token covers that repository.',
      },
    );
    return (
      `${provider.kind}: ${repository} ${branch} is at ${sha.slice(0, 7)}; ` +
      `published RCAs open pull requests into ${config.RCA_POSTMORTEMS_DIRECTORY}/`
    );
  });
}
