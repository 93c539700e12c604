// The DatabaseProxy component and its Args.
export { DatabaseProxy } from "./proxy";
export type { DatabaseProxyArgs } from "./args";
export { validateProxyArgs, proxyUsers } from "./validateArgs";
