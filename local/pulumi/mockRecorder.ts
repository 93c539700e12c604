/**
 * What a registration asked of the engine, read from the request the mock monitor receives: the
 * URN the engine would give, its parent, dependencies, deletedWith, ignoreChanges, aliases (as the
 * URNs they stand for) and provider reference.
 */
import type { RecordedResource } from "./mocks";

/** The parts of the engine's RegisterResourceRequest the recorder reads. */
export interface RegisterRequest {
    getParent(): string;
    getDependenciesList(): string[];
    getDeletedwith(): string;
    getIgnorechangesList(): string[];
    getProvider(): string;
    getAliasesList(): {
        getUrn(): string;
        getSpec():
            | {
                  getName(): string;
                  getType(): string;
                  getStack(): string;
                  getProject(): string;
                  getParenturn(): string;
                  getNoparent(): boolean;
              }
            | undefined;
    }[];
}

/** A URN as the engine (and the mock monitor) builds it: the parent's type is prefixed to the type. */
export function urnOf(stack: string, project: string, type: string, name: string, parent?: string): string {
    const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

export function registrationOptions(
    req: RegisterRequest | undefined,
    type: string,
    name: string,
    project: string,
    stack: string,
): Pick<
    RecordedResource,
    "urn" | "parent" | "dependencies" | "deletedWith" | "ignoreChanges" | "aliases" | "provider"
> {
    const parent = req?.getParent() ?? "";
    return {
        urn: urnOf(stack, project, type, name, parent),
        parent,
        dependencies: [...new Set(req?.getDependenciesList() ?? [])].sort(),
        deletedWith: req?.getDeletedwith() ?? "",
        ignoreChanges: req?.getIgnorechangesList() ?? [],
        provider: req?.getProvider() ?? "",
        aliases: (req?.getAliasesList() ?? []).map((alias) => {
            const spec = alias.getSpec();
            if (spec === undefined) return alias.getUrn();
            return urnOf(
                spec.getStack() || stack,
                spec.getProject() || project,
                spec.getType() || type,
                spec.getName() || name,
                spec.getNoparent() ? undefined : spec.getParenturn() || parent,
            );
        }),
    };
}
