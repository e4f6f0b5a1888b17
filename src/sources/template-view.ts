import { parametersOf } from './parameters';
import type { ModuleParameters, ParameterSpec } from './types';

/** A template parameter as yaml-cfn parses it (numbers as numbers, as the template writes them). */
export type TemplateParameter = Record<string, string | number | boolean | readonly (string | number)[]>;

/** The template's Parameters entry the spec asks for: Type, Default, constraints, NoEcho and Description. */
export function templateParameter(spec: ParameterSpec): TemplateParameter {
  const { rule } = spec;
  const numeric = rule.kind === 'int' || rule.kind === 'intChoice';
  const out: TemplateParameter = { Type: numeric ? 'Number' : 'String', Default: numeric ? Number(spec.default) : spec.default };
  if (spec.noEcho) out.NoEcho = true;
  switch (rule.kind) {
    case 'choice':
      out.AllowedValues = rule.values;
      break;
    case 'bool':
      out.AllowedValues = ['true', 'false'];
      break;
    case 'int':
      out.MinValue = rule.min;
      out.MaxValue = rule.max;
      break;
    case 'intChoice':
      out.AllowedValues = rule.consoleValues ?? rule.values;
      break;
    case 'pattern':
    case 'list':
      out.AllowedPattern = rule.allowedPattern;
      out.ConstraintDescription = rule.constraint;
      break;
  }
  out.Description = spec.description;
  return out;
}

/** The console's parameter groups: labels in order of first appearance, parameters in registry order. */
export function interfaceGroups(modules: readonly ModuleParameters[]): { Label: { default: string }; Parameters: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const p of parametersOf(modules)) groups.set(p.group, [...(groups.get(p.group) ?? []), p.name]);
  return [...groups].map(([label, names]) => ({ Label: { default: label }, Parameters: names }));
}

/** The console's parameter labels. */
export function interfaceLabels(modules: readonly ModuleParameters[]): Record<string, { default: string }> {
  return Object.fromEntries(parametersOf(modules).map((p) => [p.name, { default: p.label }]));
}
