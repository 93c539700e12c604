/**
 * pulumi-resource-aws for the tests: the engine finds it on PATH (an ambient plugin) in place of the
 * bridged terraform-provider-aws, whose Go module the proxy does not serve. It is no friendlier than
 * the real one for what rds-iam sets: check() refuses what the schema refuses (local/aws/schema.ts:
 * required inputs, enum values, conflicting inputs, each with its source) and autonames as the bridge
 * does (`<name>-<7 hex>` from the engine's random seed, so preview and up agree); diff() compares the
 * new inputs with the state as terraform plans do, replacing on ForceNew inputs; create/read/update/
 * delete go to the local cloud (local/aws/cloud.ts), which keeps the resources between runs and refuses
 * what the AWS APIs refuse. Invokes answer with the mocks' answers where nothing is stored, the
 * cloud's where something is.
 */
import { callerAnswer } from "../../pulumi/mockAnswers";
import { AWS_SCHEMA, schemaFailures } from "../../aws/schema";
import { CheckFailures, Props, TestProvider, UNKNOWN, serve } from "./server";

const CLOUD = process.env.RDS_IAM_LOCAL_CLOUD;

const config: { region?: string; profile?: string; assumeRoles?: unknown; partition: string } = {
    partition: "aws",
};

async function cloud<T>(route: string, body: unknown): Promise<T> {
    if (CLOUD === undefined)
        throw new Error(
            "the rds-iam test aws provider needs the local cloud (RDS_IAM_LOCAL_CLOUD is not set): run it through local/engine",
        );
    const res = await fetch(`${CLOUD}${route}`, { method: "POST", body: JSON.stringify(body) });
    const answer = (await res.json()) as { result?: T; error?: string };
    if (answer.error !== undefined) throw new Error(answer.error);
    return answer.result as T;
}

const region = () => {
    if (config.region === undefined)
        throw new Error('Missing required argument: the "region" attribute is required (set aws:region)');
    return config.region;
};

/** Sets are compared without order, as terraform compares TypeSet attributes. */
function same(a: unknown, b: unknown): boolean {
    if (Array.isArray(a) && Array.isArray(b)) {
        const key = (v: unknown) => JSON.stringify(v);
        return a.length === b.length && [...a.map(key)].sort().join() === [...b.map(key)].sort().join();
    }
    return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function autoname(name: string, seed: Buffer, maxLength: number, lowercase?: boolean): string {
    const suffix = (seed.length > 0 ? seed : Buffer.from(name)).toString("hex").slice(0, 7).padEnd(7, "0");
    const base = `${name}-${suffix}`;
    const out = base.length > maxLength ? `${name.slice(0, maxLength - 8)}-${suffix}` : base;
    return lowercase ? out.toLowerCase() : out;
}

const isUnknown = (v: unknown) => v === UNKNOWN || (typeof v === "string" && v.includes(UNKNOWN));

const provider: TestProvider = {
    name: "aws",
    version: "7.48.0",
    checkConfig(news) {
        const r = news.region;
        if (typeof r !== "string" || r === "")
            return [
                {
                    property: "region",
                    reason: 'Missing required argument: The argument "region" is required, but no definition was found. Set aws:region.',
                },
            ];
        if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/.test(r))
            return [{ property: "region", reason: `invalid AWS Region: ${r}` }];
        return [];
    },
    configure(variables, args) {
        config.region =
            String(args.region ?? variables["aws:config:region"] ?? variables["aws:region"] ?? "") ||
            undefined;
        config.profile = args.profile as string | undefined;
        config.assumeRoles = args.assumeRoles;
        config.partition = /^cn-/.test(config.region ?? "")
            ? "aws-cn"
            : /-gov-/.test(config.region ?? "")
              ? "aws-us-gov"
              : "aws";
    },
    check(ctx, olds, news, seed) {
        const schema = AWS_SCHEMA[ctx.type];
        if (schema === undefined)
            throw new Error(
                `the rds-iam test aws provider does not know ${ctx.type}: add it to local/aws/schema.ts`,
            );
        const inputs: Props = { ...news };
        // The bridge keeps an autoname once given (the old inputs carry it), else makes one from the seed.
        const auto = schema.autoname?.property;
        if (schema.autoname && auto !== undefined && inputs[auto] === undefined)
            inputs[auto] =
                olds[auto] ?? autoname(ctx.name, seed, schema.autoname.maxLength, schema.autoname.lowercase);
        const failures = schemaFailures(ctx.type, inputs, isUnknown);
        if (failures.length > 0) throw new CheckFailures(failures);
        return inputs;
    },
    diff(ctx, _id, olds, oldInputs, news) {
        const schema = AWS_SCHEMA[ctx.type];
        const keys = [...new Set([...Object.keys(news), ...Object.keys(oldInputs)])].filter(
            (k) => !k.startsWith("__"),
        );
        const diffs = keys.filter((k) => isUnknown(news[k]) || !same(news[k], olds[k] ?? oldInputs[k]));
        return {
            changes: diffs.length > 0,
            diffs,
            replaces: diffs.filter((k) => schema?.forceNew.includes(k)),
        };
    },
    create: (ctx, inputs) =>
        cloud("/create", {
            type: ctx.type,
            name: ctx.name,
            inputs,
            region: region(),
            partition: config.partition,
        }),
    async read(ctx, id) {
        const outputs = await cloud<Props | null>("/read", { type: ctx.type, id });
        return outputs ?? undefined;
    },
    update: (ctx, id, olds, news) => cloud("/update", { type: ctx.type, id, olds, news }),
    delete: (ctx, id, state) => cloud("/delete", { type: ctx.type, id, state }),
    async invoke(token, args) {
        const r = region();
        return callerAnswer(token, r, config.partition) ?? cloud("/invoke", { token, args, region: r });
    },
    async call(token) {
        if (token !== "pulumi:providers:aws/terraformConfig") throw new Error(`unknown method ${token}`);
        // The provider's configuration in Terraform's snake_case, as the bridged provider answers.
        const roles = (
            typeof config.assumeRoles === "string"
                ? JSON.parse(config.assumeRoles)
                : (config.assumeRoles ?? [])
        ) as Record<string, string>[];
        return {
            result: {
                region: config.region,
                profile: config.profile,
                assume_role: roles.map((x) => ({
                    role_arn: x.roleArn,
                    session_name: x.sessionName,
                    external_id: x.externalId,
                })),
            },
        };
    },
};

serve(provider);
