/**
 * A stateful fake GitLab REST API v4 on 127.0.0.1:0 backed by real bare git repositories:
 * raw files, the repository tree (paginated), commits with several actions, merge requests
 * (`detailed_merge_status: checking` on the first read, title and description edits, merge with
 * `sha` pinned: 409 when the source moved, 405 when it cannot be merged) and notes. Commit actions
 * are as strict as GitLab's: `create` needs a new path, `update` and `delete` an existing one. A
 * merge moves the target branch.
 */
import { openBareRepository, type BareRepository } from './bare-repository.js';
import { HttpFailure, Reply, startRouteServer, text, type RateLimiter, type Route } from './http-kit.js';

export interface FakeMergeRequest {
  iid: number;
  title: string;
  description: string;
  source: string;
  target: string;
  state: 'opened' | 'merged' | 'closed';
  labels: string[];
  notes: string[];
  mergeCommitSha?: string;
  pendingStatusReads: number;
}

export interface FakeGitlab extends RateLimiter {
  readonly url: string;
  readonly token: string;
  mergeRequests(repository: string): FakeMergeRequest[];
  close(): Promise<void>;
}

interface ProjectState {
  name: string;
  git: BareRepository;
  requests: FakeMergeRequest[];
}

export async function startFakeGitlab(options: {
  repositories: Record<string, string>;
  token?: string;
}): Promise<FakeGitlab> {
  const token = options.token ?? 'glpat-fake-project-token';
  const projects = new Map<string, ProjectState>(
    Object.entries(options.repositories).map(([name, path]) => [
      name,
      { name, git: openBareRepository(path), requests: [] },
    ]),
  );
  const projectOf = (id: string): ProjectState => {
    const project = projects.get(id);
    if (!project) throw new HttpFailure(404, { message: '404 Project Not Found' });
    return project;
  };
  const must = async (project: ProjectState, ref: string): Promise<string> => {
    const sha = await project.git.resolve(ref);
    if (!sha) throw new HttpFailure(404, { message: '404 Commit Not Found' });
    return sha;
  };
  const requestOf = (project: ProjectState, iid: string): FakeMergeRequest => {
    const found = project.requests.find((candidate) => String(candidate.iid) === iid);
    if (!found) throw new HttpFailure(404, { message: '404 Not found' });
    return found;
  };
  const mrJson = async (project: ProjectState, mr: FakeMergeRequest, status: string) => ({
    iid: mr.iid,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    source_branch: mr.source,
    target_branch: mr.target,
    sha: (await project.git.resolve(mr.source)) ?? mr.mergeCommitSha ?? '',
    labels: mr.labels,
    merge_status: status === 'mergeable' ? 'can_be_merged' : status === 'checking' ? 'checking' : 'cannot_be_merged',
    detailed_merge_status: status,
    merge_commit_sha: mr.mergeCommitSha ?? null,
    web_url: `https://gitlab.example.com/${project.name}/-/merge_requests/${mr.iid}`,
  });
  const mergeStatus = async (project: ProjectState, mr: FakeMergeRequest): Promise<string> => {
    if (mr.state !== 'opened') return 'not_open';
    const tree = await project.git.mergeTree(await must(project, mr.target), await must(project, mr.source));
    return tree ? 'mergeable' : 'conflict';
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: '/api/v4/projects/:id/repository/files/:file/raw',
      handle: async (p, _b, q) => {
        const project = projectOf(p['id'] ?? '');
        const content = await project.git.readFile(await must(project, q.get('ref') ?? 'HEAD'), p['file'] ?? '');
        if (content === undefined) throw new HttpFailure(404, { message: '404 File Not Found' });
        return new Reply(content, { isText: true });
      },
    },
    {
      method: 'GET',
      pattern: '/api/v4/projects/:id/repository/tree',
      handle: async (p, _b, q) => {
        const project = projectOf(p['id'] ?? '');
        const entries = await project.git.listTree(await must(project, q.get('ref') ?? 'HEAD'));
        const path = q.get('path') ?? '';
        const filtered = entries
          .filter((entry) => path === '' || entry.path.startsWith(`${path}/`))
          .map((entry) => ({
            id: entry.sha,
            name: entry.path.split('/').at(-1),
            type: entry.type,
            path: entry.path,
            mode: entry.mode,
          }));
        const perPage = Number(q.get('per_page') ?? 20);
        const page = Number(q.get('page') ?? 1);
        const slice = filtered.slice((page - 1) * perPage, page * perPage);
        const next = page * perPage < filtered.length ? String(page + 1) : '';
        return new Reply(slice, { headers: { 'x-next-page': next } });
      },
    },
    {
      method: 'GET',
      pattern: '/api/v4/projects/:id/repository/commits/:ref',
      handle: async (p) => {
        const project = projectOf(p['id'] ?? '');
        const info = await project.git.commitInfo(await must(project, p['ref'] ?? ''));
        return { id: info.sha, message: info.message, parent_ids: info.parents };
      },
    },
    {
      method: 'POST',
      pattern: '/api/v4/projects/:id/repository/commits',
      status: 201,
      handle: async (p, body) => {
        const project = projectOf(p['id'] ?? '');
        const branch = text(body, 'branch') ?? '';
        const start = text(body, 'start_branch') ?? branch;
        const message = text(body, 'commit_message') ?? '';
        if (!branch || !message) throw new HttpFailure(400, { error: 'branch, commit_message are missing' });
        if (start !== branch && (await project.git.resolve(`refs/heads/${branch}`)))
          throw new HttpFailure(400, { message: `A branch called '${branch}' already exists.` });
        const parent = await must(project, start);
        const actions = Array.isArray(body['actions']) ? (body['actions'] as Array<Record<string, unknown>>) : [];
        const writes = [];
        // As GitLab: `create` of an existing file and `update` or `delete` of a missing one refuse the commit.
        for (const action of actions) {
          const path = text(action, 'file_path') ?? '';
          const kind = text(action, 'action');
          const exists = (await project.git.readFile(parent, path)) !== undefined;
          if (kind !== 'update' && kind !== 'create' && kind !== 'delete')
            throw new HttpFailure(400, { message: `unknown action ${kind}` });
          if (kind === 'create' && exists)
            throw new HttpFailure(400, { message: 'A file with this name already exists' });
          if (kind !== 'create' && !exists)
            throw new HttpFailure(400, { message: "A file with this name doesn't exist" });
          writes.push({ path, content: kind === 'delete' ? undefined : (text(action, 'content') ?? '') });
        }
        const tree = await project.git.writeTree(await project.git.treeOf(parent), writes);
        const sha = await project.git.commitTree({
          tree,
          parents: [parent],
          message,
          author: { name: 'sre-bot', email: 'sre-bot@gitlab.example.com' },
        });
        const current = start === branch ? parent : null;
        if (!(await project.git.updateBranch(branch, sha, current)))
          throw new HttpFailure(400, { message: 'the branch moved; try again' });
        return { id: sha, message };
      },
    },
    {
      method: 'GET',
      pattern: '/api/v4/projects/:id/merge_requests',
      handle: async (p, _b, q) => {
        const project = projectOf(p['id'] ?? '');
        const source = q.get('source_branch');
        const state = q.get('state');
        const found = project.requests.filter(
          (mr) => (!source || mr.source === source) && (!state || state === 'all' || mr.state === state),
        );
        return Promise.all(found.map((mr) => mrJson(project, mr, 'checking')));
      },
    },
    {
      method: 'POST',
      pattern: '/api/v4/projects/:id/merge_requests',
      status: 201,
      handle: async (p, body) => {
        const project = projectOf(p['id'] ?? '');
        const source = text(body, 'source_branch') ?? '';
        const target = text(body, 'target_branch') ?? '';
        await must(project, source);
        await must(project, target);
        if (project.requests.some((mr) => mr.source === source && mr.state === 'opened'))
          throw new HttpFailure(409, { message: [`Another open merge request already exists for this source branch`] });
        const mr: FakeMergeRequest = {
          iid: project.requests.length + 1,
          title: text(body, 'title') ?? '',
          description: text(body, 'description') ?? '',
          source,
          target,
          state: 'opened',
          labels: (text(body, 'labels') ?? '').split(',').filter(Boolean),
          notes: [],
          pendingStatusReads: 1,
        };
        project.requests.push(mr);
        return mrJson(project, mr, 'checking');
      },
    },
    {
      method: 'GET',
      pattern: '/api/v4/projects/:id/merge_requests/:iid',
      handle: async (p) => {
        const project = projectOf(p['id'] ?? '');
        const mr = requestOf(project, p['iid'] ?? '');
        if (mr.pendingStatusReads > 0) {
          mr.pendingStatusReads -= 1;
          return mrJson(project, mr, 'checking');
        }
        return mrJson(project, mr, await mergeStatus(project, mr));
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v4/projects/:id/merge_requests/:iid',
      handle: async (p, body) => {
        const project = projectOf(p['id'] ?? '');
        const mr = requestOf(project, p['iid'] ?? '');
        const title = text(body, 'title');
        const description = text(body, 'description');
        if (title !== undefined) mr.title = title;
        if (description !== undefined) mr.description = description;
        return mrJson(project, mr, 'checking');
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v4/projects/:id/merge_requests/:iid/merge',
      handle: async (p, body) => {
        const project = projectOf(p['id'] ?? '');
        const mr = requestOf(project, p['iid'] ?? '');
        if (mr.state !== 'opened') throw new HttpFailure(405, { message: '405 Method Not Allowed' });
        const head = await must(project, mr.source);
        const pinned = text(body, 'sha');
        if (pinned && pinned !== head)
          throw new HttpFailure(409, { message: 'SHA does not match HEAD of source branch' });
        const base = await must(project, mr.target);
        const tree = await project.git.mergeTree(base, head);
        if (!tree) throw new HttpFailure(405, { message: '405 Method Not Allowed' });
        const merge = await project.git.commitTree({
          tree,
          parents: [base, head],
          message: text(body, 'merge_commit_message') ?? `Merge branch '${mr.source}' into '${mr.target}'`,
          author: { name: 'GitLab', email: 'noreply@gitlab.example.com' },
        });
        if (!(await project.git.updateBranch(mr.target, merge, base)))
          throw new HttpFailure(422, { message: 'Branch cannot be merged' });
        mr.state = 'merged';
        mr.mergeCommitSha = merge;
        return mrJson(project, mr, 'not_open');
      },
    },
    {
      method: 'POST',
      pattern: '/api/v4/projects/:id/merge_requests/:iid/notes',
      status: 201,
      handle: (p, body) => {
        const mr = requestOf(projectOf(p['id'] ?? ''), p['iid'] ?? '');
        mr.notes.push(text(body, 'body') ?? '');
        return { id: mr.notes.length, body: text(body, 'body') };
      },
    },
  ];

  const server = await startRouteServer({
    routes,
    isAuthorized: (request) =>
      request.headers['private-token'] === token || request.headers.authorization === `Bearer ${token}`,
    unauthorized: new HttpFailure(401, { message: '401 Unauthorized' }),
    rateLimited: { status: 429, body: { message: 'Retry later' } },
    notFound: { message: '404 Not Found' },
  });
  return {
    url: server.url,
    token,
    mergeRequests: (repository) => projects.get(repository)?.requests ?? [],
    limitNext: server.limitNext,
    close: server.close,
  };
}
