/** Public API of the MCP gateway. */
export { createGateway, type Gateway, type GatewayDeps, type UpstreamStatus } from './gateway.js';
export { loadGatewayConfig, parseGatewayConfig, parseGatewayConfigYaml, type ConfigSources } from './load-config.js';
export type {
  GatewayConfig,
  GatewayConfigInput,
  CallerConfig,
  UpstreamConfig,
  ResolvedUpstream,
  UpstreamKind,
  FanOutMode,
} from './config.js';
export { denyAllApprovals, type ApprovalChecker, type ApprovalRequest } from './approval.js';
export { createLogAuditSink, type AuditEvent, type AuditOutcome, type AuditSink } from './audit.js';
export { sha256Hex } from './caller-policy.js';
export { GatewayError, type GatewayErrorCode } from './errors.js';
export {
  createGatewayLogger,
  createSilentGatewayLogger,
  droppedLogLines,
  DEFAULT_LOG_BACKLOG_BYTES,
  type GatewayLoggerSettings,
} from './logger.js';
