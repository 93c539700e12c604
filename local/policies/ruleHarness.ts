/**
 * Runs policy rules in-process the way the analyzer does: props behind @pulumi/policy's
 * unknown-checking proxy, config defaults from each rule's schema, UnknownValueError turned into
 * the advisory "can't run … during preview" diagnostic, notApplicable honoured.
 */
import {
    PolicyResource,
    ResourceValidationPolicy,
    StackValidationPolicy,
    UnknownValueError,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { RecordedResource } from "../pulumi/mocks";

export interface Finding {
    readonly message: string;
    readonly enforcement: "mandatory" | "advisory";
}

export interface Fixture {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, any>;
}

/** The value the engine sends for something not known yet. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function configOf(
    rule: ResourceValidationPolicy | StackValidationPolicy,
    overrides: Record<string, unknown>,
): any {
    const defaults = Object.fromEntries(
        Object.entries(rule.configSchema?.properties ?? {}).map(([k, v]) => [
            k,
            (v as { default?: unknown }).default,
        ]),
    );
    return { ...defaults, ...overrides };
}

class NotApplicable extends Error {}

function runCatching(
    rule: ResourceValidationPolicy | StackValidationPolicy,
    run: (report: (m: string) => void) => void,
): Finding[] {
    const findings: Finding[] = [];
    const level = rule.enforcementLevel === "advisory" ? "advisory" : "mandatory";
    try {
        run((message) => findings.push({ message, enforcement: level }));
    } catch (e) {
        if (e instanceof UnknownValueError) {
            findings.push({
                message: `can't run policy '${rule.name}' during preview: ${(e as Error).message}`,
                enforcement: "advisory",
            });
        } else if (!(e instanceof NotApplicable)) {
            throw e;
        }
    }
    return findings;
}

const urnOf = (f: Fixture) => `urn:pulumi:dev::rds-iam::${f.type}::${f.name}`;

export function runResourceRule(
    rule: ResourceValidationPolicy,
    fixture: Fixture,
    config: Record<string, unknown> = {},
): Finding[] {
    return runCatching(rule, (report) => {
        const validate = rule.validateResource as (args: any, report: (m: string) => void) => void;
        validate(
            {
                type: fixture.type,
                name: fixture.name,
                urn: urnOf(fixture),
                props: unknownCheckingProxy(fixture.props),
                opts: {},
                stackTags: new Map(),
                getConfig: () => configOf(rule, config),
                notApplicable: () => {
                    throw new NotApplicable();
                },
                isType: () => false,
                asType: () => undefined,
            },
            report,
        );
    });
}

export function toPolicyResources(fixtures: readonly Fixture[]): PolicyResource[] {
    return fixtures.map(
        (f) =>
            ({
                type: f.type,
                name: f.name,
                urn: urnOf(f),
                props: unknownCheckingProxy(f.props),
                opts: {} as never,
                dependencies: [],
                propertyDependencies: {},
                isType: () => false,
                asType: () => undefined,
            }) as unknown as PolicyResource,
    );
}

export function runStackRule(
    rule: StackValidationPolicy,
    fixtures: readonly Fixture[] | PolicyResource[],
    config: Record<string, unknown> = {},
): Finding[] {
    const resources =
        fixtures.length > 0 && "urn" in fixtures[0]
            ? (fixtures as PolicyResource[])
            : toPolicyResources(fixtures as Fixture[]);
    return runCatching(rule, (report) => {
        const validate = rule.validateStack as (args: any, report: (m: string) => void) => void;
        validate(
            {
                resources,
                stackTags: new Map(),
                getConfig: () => configOf(rule, config),
                notApplicable: () => {
                    throw new NotApplicable();
                },
            },
            report,
        );
    });
}

/** The resources a program registered under mocks, as the analyzer sees them after `up` (outputs). */
export function fromRecorded(resources: readonly RecordedResource[]): Fixture[] {
    return resources.map((r) => ({ type: r.type, name: r.name, props: r.outputs }));
}

/** Every rule of the pack over a stack's resources, as the analyzer would report them after `up`. */
export function runPack(
    resources: readonly RecordedResource[],
    rules: { resource: readonly ResourceValidationPolicy[]; stack: readonly StackValidationPolicy[] },
): { rule: string; enforcement: "mandatory" | "advisory"; message: string }[] {
    const fixtures = fromRecorded(resources);
    const findings: { rule: string; enforcement: "mandatory" | "advisory"; message: string }[] = [];
    for (const rule of rules.resource) {
        for (const fixture of fixtures) {
            for (const f of runResourceRule(rule, fixture)) findings.push({ rule: rule.name, ...f });
        }
    }
    for (const rule of rules.stack) {
        for (const f of runStackRule(rule, fixtures)) findings.push({ rule: rule.name, ...f });
    }
    return findings;
}
