// The DatabaseProxy component and its Args.
export { DatabaseProxy } from "./proxy";
export type { DatabaseProxyArgs } from "./args";
export { proxyUsers, validateProxyArgs, validateProxySettings } from "./validateArgs";
export { proxySupportProblems } from "./support";
