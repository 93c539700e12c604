/**
 * The caller's partition, region and account, asked once per AWS provider and deployment rather
 * than once per component: each is an invoke, and programs have hundreds of roles and dozens of
 * databases on the same provider. Keyed by the resource monitor too, so separate deployments in one
 * process (tests under mocks) never share answers.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface AwsFacts {
    readonly partition: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
    readonly accountId: pulumi.Output<string>;
}

const DEFAULT_PROVIDER = {};
const NO_MONITOR = {};
const cache = new WeakMap<object, Map<object, AwsFacts>>();

/** The facts of the AWS provider `resource` uses (explicit, or the stack's default). */
export function awsFacts(resource: pulumi.Resource): AwsFacts {
    const monitor = (pulumi.runtime.getMonitor() as object | undefined) ?? NO_MONITOR;
    const provider = resource.getProvider("aws::") ?? DEFAULT_PROVIDER;
    let byProvider = cache.get(monitor);
    if (byProvider === undefined) {
        byProvider = new Map();
        cache.set(monitor, byProvider);
    }
    let facts = byProvider.get(provider);
    if (facts === undefined) {
        const opts = { parent: resource };
        facts = {
            partition: aws.getPartitionOutput({}, opts).partition,
            region: aws.getRegionOutput({}, opts).region,
            accountId: aws.getCallerIdentityOutput({}, opts).accountId,
        };
        byProvider.set(provider, facts);
    }
    return facts;
}
