import { isDeepStrictEqual } from 'node:util';
import { BOUNDARY_ENV } from '../../src/engine/context-from-env';
import { STACK_ID_ENV } from '../../src/handlers/vpc-enroller';
import { parameterNames, parametersOf } from '../../src/sources/parameters';
import { PARAMETER_DOCS } from '../../src/sources/docs';
import { interfaceGroups, interfaceLabels, templateParameter } from '../../src/sources/template-view';
import type { ModuleDocs, ModuleParameters } from '../../src/sources/types';
import { resources, type Json, type JsonObject } from './template-helpers';

/** Properties CloudFormation's custom resource takes that are not pipeline parameters. */
const RESOURCE_ONLY = ['ServiceToken', 'ServiceTimeout'];
/** The enroller's environment variables that are not pipeline parameters. */
const ENROLLER_ONLY = [STACK_ID_ENV, BOUNDARY_ENV, 'LOG_LEVEL'];
const WHERE = 'the registry (src/sources)';

const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));

/** Each way the template disagrees with the modules' parameters, as one readable line; empty when they agree. */
export function parityProblems(template: JsonObject, modules: readonly ModuleParameters[], docs: ModuleDocs = PARAMETER_DOCS): string[] {
  return [
    ...parameterProblems(template, modules, docs),
    ...pipelineProblems(template, modules),
    ...enrollerProblems(template, modules),
    ...consoleProblems(template, modules, docs),
  ];
}

function parameterProblems(template: JsonObject, modules: readonly ModuleParameters[], docs: ModuleDocs): string[] {
  const inTemplate = (template.Parameters ?? {}) as Record<string, JsonObject>;
  const specs = parametersOf(modules);
  const problems = Object.keys(inTemplate)
    .filter((name) => !specs.some((s) => s.name === name))
    .map((name) => `template.yaml parameter ${name} is not in ${WHERE}`);
  for (const spec of specs) {
    const actual = inTemplate[spec.name];
    if (!actual) {
      problems.push(`${WHERE} parameter ${spec.name} is missing from template.yaml Parameters`);
      continue;
    }
    const wanted = templateParameter(spec, docs) as Record<string, Json>;
    for (const key of new Set([...Object.keys(wanted), ...Object.keys(actual)])) {
      if (!isDeepStrictEqual(actual[key], wanted[key])) {
        problems.push(`parameter ${spec.name}: ${key} is ${show(actual[key])} in template.yaml, ${show(wanted[key])} in ${WHERE}`);
      }
    }
  }
  return problems;
}

/** `{ Ref: name }` for each name, with the names in `extra` taken from `actual` as they are. */
function refsProblems(what: string, actual: JsonObject, names: readonly string[], extra: readonly string[]): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(actual).filter((k) => !extra.includes(k) && !names.includes(k))) {
    problems.push(`${what} sets ${key}, which ${WHERE} does not pass to it`);
  }
  for (const name of names) {
    if (!isDeepStrictEqual(actual[name], { Ref: name })) problems.push(`${what} must set ${name}: !Ref ${name} (${WHERE}); it has ${show(actual[name])}`);
  }
  return problems;
}

function pipelineProblems(template: JsonObject, modules: readonly ModuleParameters[]): string[] {
  const pipeline = Object.entries(resources(template)).find(([, r]) => r.Type === 'Custom::SiemPipeline');
  if (!pipeline) return ['template.yaml has no Custom::SiemPipeline resource'];
  return refsProblems(`custom resource ${pipeline[0]}`, (pipeline[1].Properties ?? {}) as JsonObject, parameterNames(modules, 'pipeline'), RESOURCE_ONLY);
}

function enrollerProblems(template: JsonObject, modules: readonly ModuleParameters[]): string[] {
  const enroller = Object.entries(resources(template)).find(([, r]) => (r.Properties as JsonObject | undefined)?.Handler === 'vpc-enroller.handler');
  if (!enroller) return ['template.yaml has no function with Handler vpc-enroller.handler'];
  const env = ((((enroller[1].Properties as JsonObject).Environment ?? {}) as JsonObject).Variables ?? {}) as JsonObject;
  return refsProblems(`the enroller's environment (${enroller[0]})`, env, parameterNames(modules, 'enroller'), ENROLLER_ONLY);
}

function consoleProblems(template: JsonObject, modules: readonly ModuleParameters[], docs: ModuleDocs): string[] {
  const ui = ((template.Metadata ?? {}) as JsonObject)['AWS::CloudFormation::Interface'] as JsonObject | undefined;
  const problems: string[] = [];
  const groups = interfaceGroups(modules, docs);
  if (!isDeepStrictEqual(ui?.ParameterGroups, groups)) {
    problems.push(`console ParameterGroups differ: template.yaml has ${show(ui?.ParameterGroups)}, ${WHERE} wants ${show(groups)}`);
  }
  const labels = interfaceLabels(modules, docs);
  const actual = (ui?.ParameterLabels ?? {}) as JsonObject;
  for (const name of new Set([...Object.keys(labels), ...Object.keys(actual)])) {
    if (!isDeepStrictEqual(actual[name], labels[name]))
      problems.push(`console label of ${name} is ${show(actual[name])} in template.yaml, ${show(labels[name])} in ${WHERE}`);
  }
  return problems;
}
