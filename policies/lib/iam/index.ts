/**
 * One small evaluation of IAM semantics, shared by the policy pack's reasoning and the local login
 * emulator (local/emulator imports it; nothing here imports the emulator). No dependencies.
 */
export * from "./match";
export * from "./document";
export * from "./conditions";
export * from "./evaluate";
export { ipInCidr } from "./ipAddress";
export { CONDITION_OPERATORS, NEGATED } from "./conditionOperators";
