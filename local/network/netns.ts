/**
 * A Linux network namespace that plays a private VPC subnet: it has only its own loopback, so
 * nothing in the test process's namespace can route to a server inside it, and a process inside it
 * reaches only what is inside too. No veth, no routes out: traffic never leaves this machine.
 * Needs root and iproute2 (`ip netns`); `isolationUnavailable()` says why not when they are missing.
 */
import * as childProcess from "node:child_process";
import { isRoot } from "../servers/processes";

export interface NetworkNamespace {
    readonly name: string;
    /** `command args` run inside the namespace. */
    wrap(command: string, args: readonly string[]): [string, string[]];
    remove(): void;
}

/** Why namespaces cannot be used here, or undefined when they can. */
export function isolationUnavailable(): string | undefined {
    if (!isRoot()) return "network namespaces need root (CI runs as root)";
    const probe = childProcess.spawnSync("ip", ["netns", "list"], { encoding: "utf8" });
    if (probe.error !== undefined || probe.status !== 0) {
        return `\`ip netns\` is not available (${probe.error?.message ?? probe.stderr.trim()}): install iproute2`;
    }
    return undefined;
}

function ip(args: string[]): void {
    const result = childProcess.spawnSync("ip", args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`ip ${args.join(" ")} failed: ${result.stderr.trim()}`);
}

/** Creates a namespace with its loopback up; removed at exit if the caller does not. */
export function createNetworkNamespace(label: string): NetworkNamespace {
    const name = `rdsiam-${label}-${process.pid}`;
    ip(["netns", "add", name]);
    ip(["-n", name, "link", "set", "lo", "up"]);
    let removed = false;
    const remove = () => {
        if (removed) return;
        removed = true;
        childProcess.spawnSync("ip", ["netns", "delete", name]);
    };
    process.once("exit", remove);
    return {
        name,
        wrap: (command, args) => ["ip", ["netns", "exec", name, command, ...args]],
        remove,
    };
}
