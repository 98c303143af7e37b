/**
 * Every telemetry attribute key and span/metric name sre-bot emits, in one place so dashboards
 * and code agree. GenAI keys follow the OpenTelemetry GenAI semantic conventions.
 */
export const Attr = {
  investigationId: 'sre_bot.investigation.id',
  jobName: 'sre_bot.job.name',
  jobId: 'sre_bot.job.id',
  jobAttempt: 'sre_bot.job.attempt',
  queueName: 'sre_bot.queue.name',
  slackChannel: 'sre_bot.slack.channel',
  slackEventId: 'sre_bot.slack.event_id',
  mcpServer: 'sre_bot.mcp.server',
  mcpInstance: 'sre_bot.mcp.instance',
  mcpTool: 'sre_bot.mcp.tool',
  mcpOutcome: 'sre_bot.mcp.outcome',
  gatewayPrincipal: 'sre_bot.gateway.principal',
  skillName: 'sre_bot.skill.name',
  dbSystem: 'db.system',
  dbOperation: 'db.operation.name',
  genAiProvider: 'gen_ai.provider.name',
  genAiOperation: 'gen_ai.operation.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiRequestMaxTokens: 'gen_ai.request.max_tokens',
  genAiResponseModel: 'gen_ai.response.model',
  genAiResponseId: 'gen_ai.response.id',
  genAiFinishReasons: 'gen_ai.response.finish_reasons',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  genAiCacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  genAiCacheCreationTokens: 'gen_ai.usage.cache_creation.input_tokens',
  errorType: 'error.type',
  serverAddress: 'server.address',
  genAiToolName: 'gen_ai.tool.name',
} as const;

export const SpanName = {
  jobProcess: 'job-process',
  migrationApply: 'migration-apply',
  investigation: 'investigation',
  toolCall: 'tool-call',
  modelCall: 'chat',
} as const;

export const MetricName = {
  jobsProcessed: 'sre_bot_jobs_processed_total',
  jobDuration: 'sre_bot_job_duration_seconds',
  toolCalls: 'sre_bot_tool_calls_total',
  toolCallDuration: 'sre_bot_tool_call_duration_seconds',
  investigations: 'sre_bot_investigations_total',
  investigationDuration: 'sre_bot_investigation_duration_seconds',
  triageFallbacks: 'sre_bot_triage_fallbacks_total',
  modelCalls: 'sre_bot_model_calls_total',
  modelCallDuration: 'sre_bot_model_call_duration_seconds',
  modelTokens: 'sre_bot_model_tokens_total',
  modelCost: 'sre_bot_model_cost_usd_total',
  modelFallbacks: 'sre_bot_model_fallbacks_total',
  slackApiErrors: 'sre_bot_slack_api_errors_total',
  approvalsPendingAge: 'sre_bot_approvals_pending_age_seconds',
  queueOldestAge: 'sre_bot_queue_oldest_waiting_age_seconds',
  alertDeliveries: 'sre_bot_alert_deliveries_total',
  alerts: 'sre_bot_alerts_total',
  alertNotices: 'sre_bot_alert_notices_total',
} as const;
