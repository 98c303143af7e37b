import { loadChannelConfig } from '../../slack/channel-config.js';
import { createRcaService } from '../../rca/rca-service.js';
import { UsageError, parseFlags, writeLine, type CliIo, type Command } from '../command.js';
import { rcaPageUrl, teamOfChannel } from '../rca-web.js';
import { openRuntime, type Runtime } from '../runtime.js';

async function withRuntime<T>(io: CliIo, useModel: boolean, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(io, { useModel, defaultLogLevel: 'warn' });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

function serviceFor(io: CliIo, runtime: Runtime, useModel: boolean) {
  const channels = loadChannelConfig(io.env.SRE_BOT_CHANNELS_FILE);
  return createRcaService({
    store: runtime.store,
    teamOf: teamOfChannel(channels),
    logger: runtime.logger,
    ...(useModel && runtime.model ? { model: runtime.model } : {}),
  });
}

function oneId(positionals: string[], usage: string): string {
  const [id, extra] = positionals;
  if (!id || extra) throw new UsageError('give exactly one id', usage);
  return id;
}

const draftCommand: Command = {
  name: 'draft',
  summary: 'Draft the RCA of a finished investigation from its records (triage mode; --model lets the model write).',
  usage: 'rca draft <investigation-id> [--model] [--json]',
  run: async (argv, io) => {
    const flags = { model: { type: 'boolean' }, json: { type: 'boolean' } } as const;
    const { values, positionals } = parseFlags(argv, flags, draftCommand.usage, true);
    const id = oneId(positionals, draftCommand.usage);
    return withRuntime(io, Boolean(values.model), async (runtime) => {
      const service = serviceFor(io, runtime, Boolean(values.model));
      const drafted = await service.draft(id, { author: io.env.USER ?? 'cli', useModel: Boolean(values.model) });
      const link = rcaPageUrl(io.env.SRE_BOT_WEB_URL)?.(drafted.rca.id);
      if (values.json) {
        writeLine(
          io.stdout,
          JSON.stringify({ id: drafted.rca.id, isNew: drafted.isNew, findings: drafted.findings, link }),
        );
        return 0;
      }
      const verb = drafted.isNew ? 'drafted' : 'already drafted';
      writeLine(io.stdout, `RCA ${drafted.rca.id} ${verb} (${drafted.document.mode} mode): ${drafted.document.title}`);
      if (link) writeLine(io.stdout, link);
      for (const finding of drafted.findings) writeLine(io.stdout, `  ${finding.level}: ${finding.message}`);
      return 0;
    });
  },
};

const exportCommand: Command = {
  name: 'export',
  summary: 'Print an RCA as markdown.',
  usage: 'rca export <rca-id>',
  run: async (argv, io) => {
    const { positionals } = parseFlags(argv, {}, exportCommand.usage, true);
    const id = oneId(positionals, exportCommand.usage);
    return withRuntime(io, false, async (runtime) => {
      const current = await serviceFor(io, runtime, false).get(id);
      if (!current) {
        writeLine(io.stderr, `There is no RCA ${id}.`);
        return 1;
      }
      io.stdout.write(serviceFor(io, runtime, false).markdown(current));
      return 0;
    });
  },
};

export const rcaCommand: Command = {
  name: 'rca',
  summary: 'RCA documents: draft from an investigation, export as markdown.',
  usage: 'rca <draft|export>',
  subcommands: [draftCommand, exportCommand],
};
