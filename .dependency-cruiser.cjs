/**
 * Import boundaries from DESIGN.md "Parts and boundaries", plus no cycles. Composition roots
 * (bot/cli, every main.ts) may import anything; nothing imports them.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make layering meaningless and start-up order fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'agent-imports-nothing-concrete',
      severity: 'error',
      comment:
        'bot/agent is pure logic behind narrow interfaces: no BullMQ, pg, PGlite, Redis, SDK clients or other bot ' +
        'parts that wrap them (Slack has its own rule below).',
      from: { path: '^bot/agent/', pathNot: '\\.test\\.ts$' },
      to: {
        path: [
          'node_modules/(bullmq|ioredis|pg|@electric-sql|@anthropic-ai|@modelcontextprotocol)/',
          'node_modules/(@kubernetes|pino|prom-client)/',
          '^bot/(queue|store|cli|model|gateway-client|git)/',
        ],
      },
    },
    {
      name: 'agent-knows-nothing-of-slack',
      severity: 'error',
      comment:
        'bot/agent returns plain answer data (Answer, Finding); Block Kit, posting and status live in bot/slack.',
      from: { path: '^bot/agent/' },
      to: { path: ['node_modules/@slack/', '^bot/slack/'] },
    },
    {
      name: 'slack-sdk-only-in-slack-wing',
      severity: 'error',
      comment: 'Slack is one wing: only bot/slack and the composition roots (bot/cli, main.ts files) import @slack/*.',
      from: { path: '^bot/', pathNot: ['^bot/slack/', '^bot/cli/', '(^|/)main\\.ts$'] },
      to: { path: 'node_modules/@slack/' },
    },
    {
      name: 'mcp-servers-never-import-bot',
      severity: 'error',
      comment: 'bot/ and mcp-servers/ speak MCP; they share no code.',
      from: { path: '^mcp-servers/' },
      to: { path: '^(bot|evaluators)/' },
    },
    {
      name: 'redaction-stands-alone',
      severity: 'error',
      comment:
        'redaction/ is the one library bot/ and mcp-servers/ both use (issue 19), so it imports neither, nor ' +
        'evaluators/ or test/: sharing it shares no other code.',
      from: { path: '^redaction/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(bot|mcp-servers|evaluators|test)/' },
    },
    {
      name: 'bot-talks-to-mcp-servers-over-mcp',
      severity: 'error',
      comment: 'Library code in bot/ reaches MCP servers over MCP only; only composition roots wire them.',
      from: { path: '^bot/', pathNot: ['^bot/cli/', '(^|/)main\\.ts$', '\\.test\\.ts$'] },
      to: { path: '^(mcp-servers|evaluators)/' },
    },
    {
      name: 'nobody-imports-composition-roots',
      severity: 'error',
      comment:
        'main.ts files and the CLI wire parts together; parts never import them. Cross-part suites under test/ ' +
        'may drive them (DESIGN: test/ imports anything).',
      from: { pathNot: ['^bot/cli/', '^bin/', '^test/'] },
      to: { path: ['(^|/)main\\.ts$', '^bot/cli/'] },
    },
    {
      name: 'library-code-never-imports-tests',
      severity: 'error',
      from: { pathNot: ['\\.test\\.ts$', '^test/'] },
      to: { path: ['\\.test\\.ts$', '^test/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    exclude: { path: ['^dist/'] },
  },
};
