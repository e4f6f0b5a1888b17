import type { PipelineConfig } from '../config/pipeline-config';
import type { PipelineNames } from '../config/names';
import type { Component, ComponentId } from '../components/component';
import type { ParameterReader } from './parameter-reader';
import type { StreamRecord } from './records';

/**
 * How a parameter's value is checked. The same rule gives the template's Type and constraints and the
 * provisioner's reader, so the two cannot drift apart unnoticed (test/template/registry-parity.test.ts).
 */
export type ParameterRule =
  | { kind: 'choice'; values: readonly string[] }
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'intChoice'; values: readonly number[] }
  /** `rule` says in words what is allowed (the problem a bad value gets). */
  | { kind: 'pattern'; pattern: RegExp; rule: string; secret?: boolean }
  /** A comma-separated list; `item` checks each entry. */
  | { kind: 'list'; item: RegExp; rule: string };

/** Where a parameter's value goes: the custom resource's properties, the enroller's environment. */
export type ParameterTarget = 'pipeline' | 'enroller';

/** One template parameter as the provisioner reads it: the rule, the fallback and who receives it. */
export interface ParameterSpec {
  readonly name: string;
  readonly rule: ParameterRule;
  /** The template's Default, as CloudFormation passes it (a string). */
  readonly default: string;
  /** The parser's value when the property is absent, where it differs from `default` (see each use). */
  readonly parseDefault?: string;
  /** Who receives the value; empty for parameters of the stack itself (function log retention, schedule). */
  readonly targets: readonly ParameterTarget[];
}

/**
 * A parameter's text for the template, the console and the README. Kept in each module's docs.ts, apart from
 * the spec, so the Lambda bundles carry none of it.
 */
export interface ParameterDocs {
  readonly description: string;
  /** Console label (AWS::CloudFormation::Interface ParameterLabels). */
  readonly label: string;
  /** Console group label (AWS::CloudFormation::Interface ParameterGroups). */
  readonly group: string;
  /** The PipelineConfig field the value becomes, or what reads it when no config field does. */
  readonly config: string;
  readonly noEcho?: boolean;
  /** pattern and list rules: the template's AllowedPattern (it also accepts empty where the parameter is optional). */
  readonly allowedPattern?: string;
  readonly constraint?: string;
  /** intChoice rules: the shorter list the console offers, where the API accepts more. */
  readonly consoleValues?: readonly number[];
  /** The README parameter table's row. */
  readonly doc: { readonly default: string; readonly allowed: string; readonly meaning: string };
}

/** The docs of one module's parameters, by parameter name. */
export type ModuleDocs = Readonly<Record<string, ParameterDocs>>;

/** The slice of the config one module parses. */
export type ConfigSlice = Partial<PipelineConfig> & Record<string, unknown>;

/**
 * The pure part of a module: its parameters and how they become config. Kept apart from the components so
 * the config parser (and with it the VPC enroller's bundle) loads no component code.
 */
export interface ModuleParameters {
  readonly id: string;
  readonly parameters: readonly ParameterSpec[];
  /** Reads the module's parameters into its config slice; problems are recorded on the reader, not thrown. */
  parse(read: ParameterReader): ConfigSlice;
  /**
   * The shared components (delivery roles) that this module's enabled components depend on, for this config
   * in this region. A shared component is enabled exactly when some module needs it (src/sources/enabling.ts);
   * a test holds this equal to the `dependsOn` of the module's enabled components.
   */
  needs(config: PipelineConfig, region: string): readonly ComponentId[];
  /**
   * The CloudWatch Logs groups this module may subscribe to the stream (whether switched on or not, so toggling
   * a source leaves the logs role's trust alone): `own` groups it names, `reused` groups the config names.
   */
  logGroups?(config: PipelineConfig, names: PipelineNames): { own: readonly string[]; reused: readonly string[] };
}

/** What a record of the stream is checked against: the pipeline's config and names, and the region of the stream. */
export interface RecordScope {
  config: PipelineConfig;
  names: PipelineNames;
  region: string;
}

/** One stream of records a source writes (a row of the CLI's verify): its name, whether the stack sends it here, its records. */
export interface RecordStream {
  name: string;
  /** The stack delivers these records to the stream in this region. */
  expected: boolean;
  matches(record: StreamRecord): boolean;
}

/**
 * One log source (or the core pipeline): parameters, the components it owns, the audit checks and how its
 * records look in the stream. Shared components (delivery roles) are not listed: each is enabled when an
 * enabled component of some module needs it (`needs`, src/sources/enabling.ts).
 */
export interface SourceModule extends ModuleParameters {
  readonly components: readonly Component[];
  /** The components `audit` checks for this source (usually all of its own). */
  readonly auditChecks: readonly ComponentId[];
  /**
   * The streams of records this source writes, and how to recognise each one's (the CLI's verify counts them):
   * one per source, the extra EventBridge sources one each; none for a module that writes no records.
   */
  streams(scope: RecordScope): RecordStream[];
}
