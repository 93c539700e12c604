/** Throwing validation failures the way the Pulumi engine prints them: one error, every property. */
import * as pulumi from "@pulumi/pulumi";
import { ValidationFailure } from "./validation";

/** Throws one InputPropertiesError listing every failure; does nothing when there are none. */
export function throwIfInvalid(component: string, failures: readonly ValidationFailure[]): void {
    if (failures.length === 0) {
        return;
    }
    throw new pulumi.InputPropertiesError({
        message:
            `${component} has invalid arguments:\n` +
            failures.map((f) => `  ${f.property}: ${f.reason}`).join("\n"),
        errors: failures.map((f) => ({ propertyPath: f.property, reason: f.reason })),
    });
}
